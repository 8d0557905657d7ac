package io.positionkeeper.ports.model;

import java.util.Objects;
import java.util.regex.Pattern;

/** A trading account of ours, as configured: one runner at a time acts for it. */
public record AccountId(String value) {
  private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  public AccountId {
    Objects.requireNonNull(value, "account");
    if (!VALID.matcher(value).matches()) {
      throw new IllegalArgumentException(
          "account must be 1-64 letters, digits, '.', '_' or '-', was '" + value + "'");
    }
  }

  public static AccountId of(String value) {
    return new AccountId(value);
  }

  @Override
  public String toString() {
    return value;
  }
}
