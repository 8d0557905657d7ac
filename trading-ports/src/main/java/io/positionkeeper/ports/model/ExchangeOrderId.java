package io.positionkeeper.ports.model;

/**
 * The venue's id of an order. Binance ids are 64-bit integers (some above 2^53), Bybit's are opaque
 * strings, so the port carries the decimal or opaque text exactly as the venue sent it.
 */
public record ExchangeOrderId(String value) {
  public ExchangeOrderId {
    Checks.notBlank(value, "exchangeOrderId");
  }

  public static ExchangeOrderId of(String value) {
    return new ExchangeOrderId(value);
  }

  public static ExchangeOrderId of(long value) {
    return new ExchangeOrderId(Long.toString(value));
  }

  @Override
  public String toString() {
    return value;
  }
}
