package io.positionkeeper.runner.wiring;

import com.google.inject.AbstractModule;
import io.positionkeeper.ports.Clock;
import io.positionkeeper.ports.ExchangeGateway;
import io.positionkeeper.ports.ExchangeStreams;
import io.positionkeeper.ports.fake.FakeExchange;
import java.util.concurrent.Executor;

/**
 * The in-memory exchange for paper mode, on the replay's clock. Trailing work runs on the replay's
 * thread, so a replayed minute is done before the next mark is set.
 */
public final class PaperExchangeModule extends AbstractModule {
  private final FakeExchange exchange;
  private final Clock clock;

  public PaperExchangeModule(FakeExchange exchange, Clock clock) {
    this.exchange = exchange;
    this.clock = clock;
  }

  @Override
  protected void configure() {
    bind(Clock.class).toInstance(clock);
    bind(ExchangeGateway.class).toInstance(exchange);
    bind(ExchangeStreams.class).toInstance(exchange);
    bind(Executor.class).toInstance(Runnable::run);
  }
}
