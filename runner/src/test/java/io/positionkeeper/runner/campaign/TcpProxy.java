package io.positionkeeper.runner.campaign;

import java.io.IOException;
import java.io.InputStream;
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
  private final int targetPort;
  private final int port;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final Set<Socket> muted = ConcurrentHashMap.newKeySet();
  private final AtomicInteger cuts = new AtomicInteger();
  private volatile byte[] cutMarker;
  private volatile Duration cutGrace = Duration.ZERO;
  private ServerSocket server;

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

  /** Cuts every connection and stops listening: the database is unreachable. */
  synchronized void down() throws IOException {
    server.close();
    for (Socket s : open) {
      s.close();
    }
    open.clear();
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
    Thread.ofPlatform()
        .daemon(true)
        .name("db-proxy-accept")
        .start(
            () -> {
              while (!listening.isClosed()) {
                try {
                  Socket client = listening.accept();
                  Socket db = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                  open.add(client);
                  open.add(db);
                  pump(client, db, true);
                  pump(db, client, false);
                } catch (IOException e) {
                  // closed by down(): the loop ends; a failed connect drops that client only
                }
              }
            });
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
  public synchronized void close() throws IOException {
    down();
  }
}
