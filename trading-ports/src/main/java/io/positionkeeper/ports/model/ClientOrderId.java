package io.positionkeeper.ports.model;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The id we give an order (Binance {@code newClientOrderId}/{@code clientAlgoId}, Bybit {@code
 * orderLinkId}). The pattern is the strictest of the venues': Binance's {@code
 * ^[.A-Z:/a-z0-9_-]{1,36}$}.
 */
public record ClientOrderId(String value) {
  private static final Pattern VALID = Pattern.compile("[.A-Z:/a-z0-9_-]{1,36}");

  public ClientOrderId {
    Objects.requireNonNull(value, "clientOrderId");
    if (!VALID.matcher(value).matches()) {
      throw new IllegalArgumentException(
          "clientOrderId must match [.A-Z:/a-z0-9_-]{1,36}, was '" + value + "'");
    }
  }

  public static ClientOrderId of(String value) {
    return new ClientOrderId(value);
  }

  @Override
  public String toString() {
    return value;
  }
}
