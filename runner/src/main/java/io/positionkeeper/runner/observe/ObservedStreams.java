package io.positionkeeper.runner.observe;

import io.positionkeeper.ports.ExchangeStreams;
import io.positionkeeper.ports.StreamListener;
import io.positionkeeper.ports.model.ConnectionState;
import io.positionkeeper.ports.model.Exchange;
import io.positionkeeper.ports.model.Symbol;
import java.util.Objects;
import java.util.Set;

/** A venue's streams, telling the observer of each event after the keeper's listener had it. */
public final class ObservedStreams implements ExchangeStreams {
  private final ExchangeStreams delegate;
  private final Exchange exchange;
  private final KeeperObserver observer;

  public ObservedStreams(ExchangeStreams delegate, Exchange exchange, KeeperObserver observer) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    this.exchange = Objects.requireNonNull(exchange, "exchange");
    this.observer = Objects.requireNonNull(observer, "observer");
  }

  @Override
  public void start(StreamListener listener) {
    delegate.start(
        event -> {
          listener.onEvent(event);
          observer.onStreamEvent(exchange, event);
        });
  }

  @Override
  public void watchMarkPrices(Set<Symbol> symbols) {
    delegate.watchMarkPrices(symbols);
  }

  @Override
  public ConnectionState connectionState() {
    return delegate.connectionState();
  }

  @Override
  public void close() {
    delegate.close();
  }
}
