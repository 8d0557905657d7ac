package io.positionkeeper.bybit;

import io.positionkeeper.bybit.auth.Credentials;
import io.positionkeeper.bybit.auth.Signer;
import io.positionkeeper.bybit.config.BybitConfig;
import io.positionkeeper.bybit.http.BybitHttp;
import io.positionkeeper.ports.Clock;
import java.util.Objects;

/**
 * The one entry point: builds the Bybit gateway and streams over one REST transport and one memory
 * of stop ids, so a stop placed through the gateway is named the same on the stream.
 */
public record BybitAdapter(BybitGateway gateway, BybitStreams streams) implements AutoCloseable {

  public BybitAdapter {
    Objects.requireNonNull(gateway, "gateway");
    Objects.requireNonNull(streams, "streams");
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
    return new BybitAdapter(gateway, new BybitStreams(config, signer, gateway, stopIds, clock));
  }

  @Override
  public void close() {
    streams.close();
    gateway.close();
  }
}
