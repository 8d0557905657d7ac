package io.positionkeeper.ports.model;

/** The life of a trailing stop: waiting for its activation price, trailing, or fired. */
public enum TrailingStatus {
  INACTIVE,
  ACTIVE,
  TRIGGERED
}
