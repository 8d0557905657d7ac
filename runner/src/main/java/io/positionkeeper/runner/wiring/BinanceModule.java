package io.positionkeeper.runner.wiring;

import com.google.inject.AbstractModule;
import io.positionkeeper.binance.BinanceGateway;
import io.positionkeeper.binance.BinanceStreams;
import io.positionkeeper.ports.Clock;
import io.positionkeeper.ports.ExchangeGateway;
import io.positionkeeper.ports.ExchangeStreams;
import java.util.concurrent.Executor;

/**
 * The Binance adapter for live mode: the gateway and streams main opened, the wall clock, and the
 * keeper's own thread for trailing work.
 */
public final class BinanceModule extends AbstractModule {
  private final BinanceGateway gateway;
  private final BinanceStreams streams;
  private final Clock clock;
  private final Executor io;

  public BinanceModule(BinanceGateway gateway, BinanceStreams streams, Clock clock, Executor io) {
    this.gateway = gateway;
    this.streams = streams;
    this.clock = clock;
    this.io = io;
  }

  @Override
  protected void configure() {
    bind(Clock.class).toInstance(clock);
    bind(ExchangeGateway.class).toInstance(gateway);
    bind(ExchangeStreams.class).toInstance(streams);
    bind(Executor.class).toInstance(io);
  }
}
