package io.positionkeeper.runner.alerts;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * An HTTP receiver on 127.0.0.1 that records every request's path and body. It answers with the
 * queued statuses first, then 200; {@link #hang()} makes it hold every request until closed.
 */
public final class LoopbackReceiver implements AutoCloseable {
  /** One request as it arrived. */
  public record Request(String path, String body) {}

  private final HttpServer server;
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final ConcurrentLinkedQueue<Integer> statuses = new ConcurrentLinkedQueue<>();
  private final CountDownLatch release = new CountDownLatch(1);
  private volatile boolean hang;

  public LoopbackReceiver() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
    server.createContext(
        "/",
        ex -> {
          try (ex) {
            requests.add(
                new Request(
                    ex.getRequestURI().getPath(),
                    new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
            if (hang) {
              release.await(60, TimeUnit.SECONDS);
            }
            Integer status = statuses.poll();
            ex.sendResponseHeaders(status == null ? 200 : status, -1);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
    server.start();
  }

  public String base() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  void answer(int... codes) {
    for (int c : codes) {
      statuses.add(c);
    }
  }

  void hang() {
    hang = true;
  }

  public List<Request> requests() {
    return requests;
  }

  /** Waits until at least {@code n} requests arrived (at most 20 s) and returns them. */
  List<Request> await(int n) throws InterruptedException {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (requests.size() < n && System.nanoTime() < until) {
      Thread.sleep(20);
    }
    return List.copyOf(requests);
  }

  @Override
  public void close() {
    release.countDown();
    server.stop(0);
  }
}
