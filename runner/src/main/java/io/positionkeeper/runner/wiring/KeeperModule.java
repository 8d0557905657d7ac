package io.positionkeeper.runner.wiring;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import io.positionkeeper.domain.audit.BatchingAuditWriter;
import io.positionkeeper.domain.keeper.Keeper;
import io.positionkeeper.domain.keeper.KeeperPolicy;
import io.positionkeeper.ports.Clock;
import io.positionkeeper.ports.ExchangeGateway;
import io.positionkeeper.ports.ExchangeStreams;
import io.positionkeeper.ports.PositionStore;
import io.positionkeeper.ports.TrailingStopStore;
import io.positionkeeper.runner.observe.KeeperObserver;
import io.positionkeeper.runner.observe.ObservedPositionStore;
import io.positionkeeper.runner.observe.ObservedStreams;
import io.positionkeeper.runner.observe.Observers;
import java.util.concurrent.Executor;

/** The keeper, assembled by its builder from whatever venue and stores the other modules bind. */
public final class KeeperModule extends AbstractModule {
  private final KeeperPolicy policy;
  private final KeeperObserver observer;

  public KeeperModule(KeeperPolicy policy) {
    this(policy, Observers.none());
  }

  /** A keeper whose store and streams tell {@code observer} what they did (metrics, alerts). */
  public KeeperModule(KeeperPolicy policy, KeeperObserver observer) {
    this.policy = policy;
    this.observer = observer;
  }

  @Provides
  @Singleton
  Keeper keeper(
      Clock clock,
      PositionStore store,
      TrailingStopStore trailingStore,
      ExchangeGateway gateway,
      ExchangeStreams streams,
      BatchingAuditWriter writer,
      Executor io) {
    return Keeper.builder(clock, new ObservedPositionStore(store, observer), trailingStore)
        .venue(gateway, new ObservedStreams(streams, gateway.exchange(), observer))
        .policy(policy)
        .audit(writer)
        .io(io)
        .build();
  }
}
