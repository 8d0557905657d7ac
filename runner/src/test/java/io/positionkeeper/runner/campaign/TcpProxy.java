package io.positionkeeper.runner.campaign;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP forwarder on loopback between the runner and its database, so the campaign can take the
 * database away as a network outage does: {@link #down()} cuts every open connection and refuses
 * new ones, {@link #up()} listens again on the same port, {@link #cutOnceAfter} kills one
 * connection in the middle of a statement. The database itself keeps running, so the test still
 * reads it directly.
 */
final class TcpProxy implements AutoCloseable {
  /** How long the accepting thread may take to leave accept() once its socket is closed. */
  private static final Duration STOP = Duration.ofSeconds(30);

  private final int targetPort;
  private final int port;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final Set<Socket> muted = ConcurrentHashMap.newKeySet();
  private final AtomicInteger cuts = new AtomicInteger();
  private volatile byte[] cutMarker;
  private volatile Duration cutGrace = Duration.ZERO;
  private ServerSocket server;
  private Thread acceptor;

  private TcpProxy(int targetPort, ServerSocket server) {
    this.targetPort = targetPort;
    this.server = server;
    this.port = server.getLocalPort();
    accept(server);
  }

  static TcpProxy to(int targetPort) throws IOException {
    return new TcpProxy(targetPort, listen(0));
  }

  int port() {
    return port;
  }

  /**
   * Cuts every connection and stops listening: the database is unreachable. A client the accepting
   * thread took just before is closed when it comes to forward it (see {@link #forward}), so none
   * outlives this call.
   */
  void down() throws IOException {
    Thread accepting;
    synchronized (this) {
      server.close();
      for (Socket s : open) {
        closeQuietly(s);
      }
      open.clear();
      accepting = acceptor;
    }
    // A thread blocked in accept() holds the listening socket in the kernel until it wakes: until
    // then a connect still completes (and is reset later). Once it has left, nothing listens.
    try {
      accepting.join(STOP.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while the proxy stopped listening");
    }
    if (accepting.isAlive()) {
      throw new IOException("the proxy's accepting thread did not stop within " + STOP);
    }
  }

  /** Listens again on the same port. */
  synchronized void up() throws IOException {
    if (server.isClosed()) {
      server = listen(port);
      accept(server);
    }
  }

  private static ServerSocket listen(int port) throws IOException {
    ServerSocket s = new ServerSocket();
    s.setReuseAddress(true);
    s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    return s;
  }

  private void accept(ServerSocket listening) {
    acceptor =
        Thread.ofPlatform()
            .daemon(true)
            .name("db-proxy-accept")
            .start(
                () -> {
                  while (!listening.isClosed()) {
                    Socket client;
                    try {
                      client = listening.accept();
                    } catch (IOException e) {
                      continue; // closed by down(): the loop ends
                    }
                    forward(listening, client);
                  }
                });
  }

  /**
   * Connects a client {@code listening} accepted to the target and starts forwarding, unless {@link
   * #down()} closed that listener since (it may have closed and {@link #up()} opened another): such
   * a client was accepted while the proxy was going down, and is closed instead. Holding the
   * proxy's lock, this and {@code down()} cannot interleave, so after {@code down()} no connection
   * is forwarded and none reaches the target until {@code up()}.
   */
  private synchronized void forward(ServerSocket listening, Socket client) {
    if (listening != server || listening.isClosed()) {
      closeQuietly(client);
      return;
    }
    Socket db = new Socket();
    try {
      db.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 5_000);
    } catch (IOException e) {
      closeQuietly(client); // the target refused: this client only is dropped
      closeQuietly(db);
      return;
    }
    open.add(client);
    open.add(db);
    pump(client, db, true);
    pump(db, client, false);
  }

  /**
   * Arms a one-time cut in the middle of a statement: the next connection that sends {@code marker}
   * (a statement's text) has it delivered to the database, but the database's answers are no longer
   * passed back, and after {@code grace} the connection is cut on both sides. The client sees its
   * connection die mid-statement with the outcome unknown to it.
   */
  synchronized void cutOnceAfter(String marker, Duration grace) {
    cutMarker = marker.getBytes(StandardCharsets.US_ASCII);
    cutGrace = grace;
  }

  /** How many connections were cut by {@link #cutOnceAfter}. */
  int cuts() {
    return cuts.get();
  }

  private void pump(Socket from, Socket to, boolean fromClient) {
    Thread.ofPlatform()
        .daemon(true)
        .name("db-proxy-pump")
        .start(
            () -> {
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                byte[] buffer = new byte[8192];
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                  if (!fromClient && muted.contains(from)) {
                    continue; // the answers of a connection being cut are lost
                  }
                  out.write(buffer, 0, n);
                  out.flush();
                  if (fromClient && armedCutMatches(buffer, n)) {
                    cut(from, to);
                  }
                }
              } catch (SocketException e) {
                // the other side or down() closed the connection
              } catch (IOException e) {
                // as above: the connection is gone either way
              } finally {
                closeQuietly(from);
                closeQuietly(to);
              }
            });
  }

  private synchronized boolean armedCutMatches(byte[] buffer, int length) {
    byte[] marker = cutMarker;
    if (marker == null) {
      return false;
    }
    for (int i = 0; i + marker.length <= length; i++) {
      if (Arrays.equals(buffer, i, i + marker.length, marker, 0, marker.length)) {
        cutMarker = null;
        return true;
      }
    }
    return false;
  }

  private void cut(Socket client, Socket db) {
    muted.add(db);
    cuts.incrementAndGet();
    Thread.ofPlatform()
        .daemon(true)
        .name("db-proxy-cut")
        .start(
            () -> {
              try {
                Thread.sleep(cutGrace.toMillis());
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              closeQuietly(client);
              closeQuietly(db);
            });
  }

  private void closeQuietly(Socket s) {
    open.remove(s);
    muted.remove(s);
    try {
      s.close();
    } catch (IOException e) {
      // already closed
    }
  }

  @Override
  public void close() throws IOException {
    down();
  }
}
