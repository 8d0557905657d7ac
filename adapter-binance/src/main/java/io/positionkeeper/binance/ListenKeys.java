package io.positionkeeper.binance;

import io.positionkeeper.binance.config.BinanceConfig;
import io.positionkeeper.binance.http.BinanceRestClient;
import io.positionkeeper.ports.Clock;
import io.positionkeeper.ports.PortException;
import io.positionkeeper.ports.RejectedException;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The user-data listen key: created over REST, extended every {@link
 * BinanceConfig#listenKeyKeepAlive()}, and reported gone on -1125 so the caller opens a new one.
 * REST runs on the I/O thread, everything else on the loop.
 */
final class ListenKeys {
  private static final Logger log = LoggerFactory.getLogger(ListenKeys.class);
  private static final String LISTEN_KEY_GONE = "-1125";

  private final BinanceRestClient rest;
  private final StreamLoop loop;
  private final Clock clock;
  private final Duration keepAliveEvery;
  private String key;
  private Instant lastKeepAlive;
  private boolean keepAliveInFlight;

  ListenKeys(BinanceRestClient rest, StreamLoop loop, Clock clock, Duration keepAliveEvery) {
    this.rest = rest;
    this.loop = loop;
    this.clock = clock;
    this.keepAliveEvery = keepAliveEvery;
  }

  /** Asks for a key (the active one, extended, if the account has one); answers on the loop. */
  void create(Consumer<String> onKey, Consumer<RuntimeException> onFailure) {
    loop.onIo(
        () -> {
          try {
            String created = rest.createListenKey();
            loop.post(() -> onKey.accept(created));
          } catch (RuntimeException e) {
            loop.post(() -> onFailure.accept(e));
          }
        });
  }

  void use(String created) {
    key = created;
    lastKeepAlive = clock.now();
  }

  void forget() {
    key = null;
  }

  /** Extends the key when it is due; {@code onGone} runs when the venue no longer knows it. */
  void tick(Instant now, boolean connected, Consumer<String> onGone) {
    if (key == null || !connected || keepAliveInFlight) {
      return;
    }
    if (Duration.between(lastKeepAlive, now).compareTo(keepAliveEvery) < 0) {
      return;
    }
    keepAliveInFlight = true;
    String extending = key;
    loop.onIo(
        () -> {
          try {
            rest.keepAliveListenKey();
            loop.post(() -> keptAlive(extending, null, onGone));
          } catch (RuntimeException e) {
            loop.post(() -> keptAlive(extending, e, onGone));
          }
        });
  }

  private void keptAlive(String extended, RuntimeException failure, Consumer<String> onGone) {
    keepAliveInFlight = false;
    if (!extended.equals(key)) {
      return;
    }
    if (failure == null) {
      lastKeepAlive = clock.now();
      log.debug("listen key extended");
      return;
    }
    if (failure instanceof RejectedException r && r.code().equals(LISTEN_KEY_GONE)) {
      log.warn("listen key no longer valid (-1125); opening a new one");
      key = null;
      onGone.accept("listen key no longer valid (-1125)");
      return;
    }
    Duration retry =
        keepAliveEvery.compareTo(Duration.ofMinutes(1)) < 0
            ? keepAliveEvery
            : Duration.ofMinutes(1);
    String what = "listen key keep-alive failed; retrying in " + retry.toSeconds() + " s";
    if (failure instanceof PortException) {
      log.warn("{}: {}", what, failure.getMessage());
    } else {
      log.error("{}", what, failure);
    }
    lastKeepAlive = clock.now().minus(keepAliveEvery).plus(retry);
  }
}
