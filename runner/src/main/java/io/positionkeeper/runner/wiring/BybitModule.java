package io.positionkeeper.runner.wiring;

import com.google.inject.AbstractModule;
import io.positionkeeper.bybit.BybitAdapter;
import io.positionkeeper.ports.Clock;
import io.positionkeeper.ports.ExchangeGateway;
import io.positionkeeper.ports.ExchangeStreams;
import java.util.concurrent.Executor;

/**
 * The Bybit adapter for live mode: the gateway and streams of the adapter main created (one REST
 * transport and one memory of stop names shared by both), the wall clock, and the keeper's own
 * thread for trailing work.
 */
public final class BybitModule extends AbstractModule {
  private final BybitAdapter adapter;
  private final Clock clock;
  private final Executor io;

  public BybitModule(BybitAdapter adapter, Clock clock, Executor io) {
    this.adapter = adapter;
    this.clock = clock;
    this.io = io;
  }

  @Override
  protected void configure() {
    bind(Clock.class).toInstance(clock);
    bind(ExchangeGateway.class).toInstance(adapter.gateway());
    bind(ExchangeStreams.class).toInstance(adapter.streams());
    bind(Executor.class).toInstance(io);
  }
}
