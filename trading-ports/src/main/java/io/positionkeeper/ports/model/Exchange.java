package io.positionkeeper.ports.model;

/** The venues a position can live on; {@code PAPER} is the in-memory exchange of paper mode. */
public enum Exchange {
  BINANCE,
  BYBIT,
  PAPER
}
