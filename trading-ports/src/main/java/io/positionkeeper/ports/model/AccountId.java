package io.positionkeeper.ports.model;

import java.util.Objects;
import java.util.regex.Pattern;

/** A trading account of ours, as configured: one runner at a time acts for it. */
public record AccountId(String value) {
  private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  /**
   * The account of a single-account setup, and of every row a database held before it knew accounts
   * (the migration gives them this one).
   */
  public static final AccountId DEFAULT = new AccountId("default");

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
