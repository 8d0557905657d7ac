package io.positionkeeper.ports.model;

import java.time.Instant;
import java.util.Objects;

/**
 * The right of one runner ({@code holder}) to act for an account until {@code expiresAt}. The
 * {@code epoch} grows with every acquisition: a write made under an older epoch is refused
 * (fencing), so a runner that lost its lease cannot write even if it does not know yet.
 */
public record Lease(AccountId account, String holder, long epoch, Instant expiresAt) {
  public Lease {
    Objects.requireNonNull(account, "account");
    Checks.notBlank(holder, "holder");
    if (epoch <= 0) {
      throw new IllegalArgumentException("epoch must be > 0, was " + epoch);
    }
    Objects.requireNonNull(expiresAt, "expiresAt");
  }
}
