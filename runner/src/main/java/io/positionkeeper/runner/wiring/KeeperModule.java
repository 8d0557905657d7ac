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
import java.util.concurrent.Executor;

/** The keeper, assembled by its builder from whatever venue and stores the other modules bind. */
public final class KeeperModule extends AbstractModule {
  private final KeeperPolicy policy;

  public KeeperModule(KeeperPolicy policy) {
    this.policy = policy;
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
    return Keeper.builder(clock, store, trailingStore)
        .venue(gateway, streams)
        .policy(policy)
        .audit(writer)
        .io(io)
        .build();
  }
}
