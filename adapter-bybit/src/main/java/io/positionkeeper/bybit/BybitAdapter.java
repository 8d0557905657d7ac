package io.positionkeeper.bybit;

import io.positionkeeper.bybit.auth.Credentials;
import io.positionkeeper.bybit.auth.Signer;
import io.positionkeeper.bybit.config.BybitConfig;
import io.positionkeeper.bybit.http.BybitHttp;
import io.positionkeeper.ports.Clock;
import io.positionkeeper.ports.model.ClientOrderId;
import io.positionkeeper.ports.model.Symbol;
import java.util.Map;
import java.util.Objects;

/**
 * The one entry point: builds the Bybit gateway and streams over one REST transport and one memory
 * of stop ids, so a stop placed through the gateway is named the same on the stream.
 */
public final class BybitAdapter implements AutoCloseable {
  private final BybitGateway gateway;
  private final BybitStreams streams;
  private final StopIds stopIds;

  private BybitAdapter(BybitGateway gateway, BybitStreams streams, StopIds stopIds) {
    this.gateway = Objects.requireNonNull(gateway, "gateway");
    this.streams = Objects.requireNonNull(streams, "streams");
    this.stopIds = stopIds;
  }

  public BybitGateway gateway() {
    return gateway;
  }

  public BybitStreams streams() {
    return streams;
  }

  /** The adapter for {@code config} with {@code credentials}, on the system clock. */
  public static BybitAdapter create(BybitConfig config, Credentials credentials) {
    return create(config, credentials, Clock.system());
  }

  public static BybitAdapter create(BybitConfig config, Credentials credentials, Clock clock) {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(credentials, "credentials");
    Objects.requireNonNull(clock, "clock");
    Signer signer = new Signer(credentials);
    BybitHttp http = new BybitHttp(config, signer, clock);
    StopIds stopIds = new StopIds();
    InDoubt inDoubt = new InDoubt(clock, config.doubtQueries(), config.doubtWindow());
    BybitGateway gateway = new BybitGateway(config, http, inDoubt, stopIds);
    return new BybitAdapter(
        gateway, new BybitStreams(config, signer, gateway, stopIds, clock), stopIds);
  }

  /**
   * Names the stops a restarted caller placed before: Bybit keeps no client id on a position's
   * stop, so without this a new instance reports a working stop, and the fill it makes, under the
   * derived {@code bybit-sl-<SYMBOL>}. Give it, before the streams start, the stop id stored for
   * each open position; a symbol this instance already names, or an id that named a stop now gone,
   * is left as it is. A stop that is no longer on the venue is found gone at its first read.
   */
  public void restoreStopNames(Map<Symbol, ClientOrderId> stored) {
    stored.forEach(stopIds::restore);
  }

  @Override
  public void close() {
    streams.close();
    gateway.close();
  }
}
