package io.positionkeeper.runner.metrics;

import io.positionkeeper.domain.audit.AuditWriterStats;
import io.positionkeeper.domain.position.Position;
import java.util.List;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * What the gauges read at each scrape: the keeper's book, the audit writer's counts, the streams,
 * and whether this runner holds its account's lease (paper mode has no lease and reports it held).
 */
public record MetricSources(
    Supplier<List<Position>> positions,
    Supplier<AuditWriterStats> audit,
    StreamWatch streams,
    BooleanSupplier leaseHeld) {
  public MetricSources {
    Objects.requireNonNull(positions, "positions");
    Objects.requireNonNull(audit, "audit");
    Objects.requireNonNull(streams, "streams");
    Objects.requireNonNull(leaseHeld, "leaseHeld");
  }
}
