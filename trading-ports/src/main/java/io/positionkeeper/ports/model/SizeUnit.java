package io.positionkeeper.ports.model;

/** Whether a requested size is in base units (contracts, e.g. BTC) or in quote units (USDT). */
public enum SizeUnit {
  BASE,
  QUOTE
}
