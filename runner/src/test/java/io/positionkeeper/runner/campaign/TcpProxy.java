package io.positionkeeper.runner.campaign;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP forwarder on loopback between the runner and its database, so the campaign can take the
 * database away as a network outage does: {@link #down()} cuts every open connection and refuses
 * new ones, {@link #up()} listens again on the same port. The database itself keeps running, so the
 * test still reads it directly.
 */
final class TcpProxy implements AutoCloseable {
  private final int targetPort;
  private final int port;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
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
                  pump(client, db);
                  pump(db, client);
                } catch (IOException e) {
                  // closed by down(): the loop ends; a failed connect drops that client only
                }
              }
            });
  }

  private void pump(Socket from, Socket to) {
    Thread.ofPlatform()
        .daemon(true)
        .name("db-proxy-pump")
        .start(
            () -> {
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                in.transferTo(out);
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

  private void closeQuietly(Socket s) {
    open.remove(s);
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
