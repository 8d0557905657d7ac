package io.positionkeeper.domain.keeper;

import io.positionkeeper.domain.audit.AuditSink;
import io.positionkeeper.domain.audit.BatchingAuditWriter;
import io.positionkeeper.ports.Clock;
import io.positionkeeper.ports.ExchangeGateway;
import io.positionkeeper.ports.ExchangeStreams;
import io.positionkeeper.ports.PositionStore;
import io.positionkeeper.ports.TrailingStopStore;
import io.positionkeeper.ports.model.Exchange;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.function.Function;

/** Collects a keeper's ports and policy; {@link #build()} wires them. */
public final class KeeperBuilder {
  record Venue(ExchangeGateway gateway, ExchangeStreams streams) {}

  final Clock clock;
  final PositionStore store;
  final TrailingStopStore trailingStore;
  final Map<Exchange, Venue> venues = new EnumMap<>(Exchange.class);
  KeeperPolicy policy = KeeperPolicy.standard();
  Safeguards safeguards = Safeguards.standard();
  AuditSink sink;
  BatchingAuditWriter writer;
  Executor io;
  private final Function<KeeperBuilder, Keeper> factory;

  KeeperBuilder(
      Clock clock,
      PositionStore store,
      TrailingStopStore trailingStore,
      Function<KeeperBuilder, Keeper> factory) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.store = Objects.requireNonNull(store, "store");
    this.trailingStore = Objects.requireNonNull(trailingStore, "trailingStore");
    this.factory = factory;
  }

  /** Adds a venue: its gateway and its streams (one account on it). */
  public KeeperBuilder venue(ExchangeGateway gateway, ExchangeStreams streams) {
    Objects.requireNonNull(gateway, "gateway");
    Objects.requireNonNull(streams, "streams");
    if (venues.putIfAbsent(gateway.exchange(), new Venue(gateway, streams)) != null) {
      throw new IllegalArgumentException(
          "a keeper holds one account per venue: " + gateway.exchange());
    }
    return this;
  }

  /** The policies and periods (default: {@link KeeperPolicy#standard()}). */
  public KeeperBuilder policy(KeeperPolicy policy) {
    this.policy = Objects.requireNonNull(policy, "policy");
    return this;
  }

  /** The safety rules (default: {@link Safeguards#standard()}, the only ones a bot needs). */
  public KeeperBuilder safeguards(Safeguards safeguards) {
    this.safeguards = Objects.requireNonNull(safeguards, "safeguards");
    return this;
  }

  /** Where audit records go when the keeper does not own the writer (tests, a bot's own sink). */
  public KeeperBuilder audit(AuditSink sink) {
    this.sink = Objects.requireNonNull(sink, "sink");
    return this;
  }

  /** The batching writer audit records go to; the keeper flushes it on its clock and closes it. */
  public KeeperBuilder audit(BatchingAuditWriter writer) {
    this.writer = Objects.requireNonNull(writer, "writer");
    return this;
  }

  /**
   * Where stop moves and state saves run, off the stream's thread. Default: a thread the keeper
   * owns; {@code Runnable::run} makes a manual-clock test or a simulation run on one thread.
   */
  public KeeperBuilder io(Executor io) {
    this.io = Objects.requireNonNull(io, "io");
    return this;
  }

  public Keeper build() {
    if (venues.isEmpty()) {
      throw new IllegalStateException("a keeper needs at least one venue");
    }
    if (sink == null && writer == null) {
      throw new IllegalStateException("a keeper needs an audit sink or writer");
    }
    return factory.apply(this);
  }
}
