package io.positionkeeper.ports.model;

/** How much an audit event matters to a trader reading the trail. */
public enum Severity {
  DEBUG,
  INFO,
  WARNING,
  ERROR,
  CRITICAL
}
