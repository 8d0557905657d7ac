package io.positionkeeper.runner.campaign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The database proxy's outage is total: {@link TcpProxy#down()} leaves no connection open, however
 * many are being accepted while it runs, and accepts none until {@link TcpProxy#up()}. A connection
 * that outlived {@code down()} would let the runner reach its database during an "outage", and a
 * scenario would prove nothing.
 */
class TcpProxyTest {
  private static final int CYCLES = 40;
  private static final int CLIENTS = 4;
  private static final Duration WITHIN = Duration.ofSeconds(10);

  /** The proxy's target: counts the connections it holds, each open until the proxy closes it. */
  private ServerSocket target;

  private final AtomicInteger targetOpen = new AtomicInteger();
  private final AtomicBoolean hammering = new AtomicBoolean(true);
  private final List<Thread> threads = new ArrayList<>();

  @BeforeEach
  void startTarget() throws IOException {
    target = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
    threads.add(Thread.ofPlatform().daemon(true).start(this::holdEveryConnection));
  }

  @AfterEach
  void stop() throws Exception {
    hammering.set(false);
    target.close();
    for (Thread t : threads) {
      t.join(WITHIN.toMillis());
    }
  }

  @Test
  void down_whileConnectionsAreAccepted_leavesNoneOpenAndAcceptsNoneUntilUp() throws Exception {
    try (TcpProxy proxy = TcpProxy.to(target.getLocalPort())) {
      for (int i = 0; i < CLIENTS; i++) {
        threads.add(Thread.ofPlatform().daemon(true).start(() -> hammer(proxy.port())));
      }
      for (int cycle = 1; cycle <= CYCLES; cycle++) {
        int c = cycle;
        await("connections through the proxy, cycle " + c, () -> targetOpen.get() > 0);
        proxy.down();
        await("no connection left open after down(), cycle " + c, () -> targetOpen.get() == 0);
        assertThat(connects(proxy.port())).as("a connection taken while down").isEmpty();
        // Awaited, not read once: on a loaded machine the target may accept from its backlog a
        // connection the proxy had already cut, and count it open until it reads the cut. A
        // connection forwarded while down would be held open by the proxy and never return to 0.
        await("no connection open while down, cycle " + c, () -> targetOpen.get() == 0);
        proxy.up();
      }
    }
  }

  @Test
  void aConnectionThroughTheProxy_reachesTheTargetBothWays_andUpAfterDownServesAgain()
      throws Exception {
    try (TcpProxy proxy = TcpProxy.to(target.getLocalPort())) {
      assertRoundTrip(proxy.port());
      proxy.down();
      assertThat(connects(proxy.port())).as("refused while down").isEmpty();
      proxy.up();
      assertRoundTrip(proxy.port());
    }
  }

  /** The target echoes what it reads, so a round trip shows both directions forwarded. */
  private static void assertRoundTrip(int port) throws IOException {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      s.setSoTimeout((int) WITHIN.toMillis());
      s.getOutputStream().write("ping".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      s.getOutputStream().flush();
      byte[] back = s.getInputStream().readNBytes(4);
      assertThat(new String(back, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("ping");
    }
  }

  /** Opens and holds connections to the proxy, one after another, until the test ends. */
  private void hammer(int port) {
    List<Socket> held = new ArrayList<>();
    while (hammering.get()) {
      try {
        Socket s = new Socket();
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1_000);
        held.add(s);
      } catch (IOException refused) {
        pause(); // the proxy is down: try again shortly
      }
      if (held.size() > 10) {
        closeAll(held);
      }
    }
    closeAll(held);
  }

  private void holdEveryConnection() {
    while (!target.isClosed()) {
      try {
        Socket s = target.accept();
        targetOpen.incrementAndGet();
        Thread.ofPlatform().daemon(true).start(() -> echoUntilClosed(s));
      } catch (IOException e) {
        return; // the test ended
      }
    }
  }

  private void echoUntilClosed(Socket s) {
    try (s;
        InputStream in = s.getInputStream();
        OutputStream out = s.getOutputStream()) {
      byte[] buffer = new byte[256];
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        out.write(buffer, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      // closed by the proxy: what the test waits for
    } finally {
      targetOpen.decrementAndGet();
    }
  }

  /** The connection something on {@code port} took, if anything did. */
  private static Optional<String> connects(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1_000);
      return Optional.of(s.getLocalSocketAddress() + " -> " + s.getRemoteSocketAddress());
    } catch (IOException refused) {
      return Optional.empty();
    }
  }

  private static void pause() {
    try {
      Thread.sleep(1);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void closeAll(List<Socket> sockets) {
    for (Socket s : sockets) {
      try {
        s.close();
      } catch (IOException e) {
        // already closed by the proxy
      }
    }
    sockets.clear();
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    Instant until = Instant.now().plus(WITHIN);
    while (!condition.getAsBoolean()) {
      if (Instant.now().isAfter(until)) {
        fail("timed out after %s waiting for: %s", WITHIN, what);
      }
      Thread.sleep(5);
    }
  }
}
