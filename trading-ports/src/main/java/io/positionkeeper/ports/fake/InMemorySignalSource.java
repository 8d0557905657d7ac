package io.positionkeeper.ports.fake;

import io.positionkeeper.ports.RejectedException;
import io.positionkeeper.ports.SignalSource;
import io.positionkeeper.ports.model.AccountId;
import io.positionkeeper.ports.model.Lease;
import io.positionkeeper.ports.model.Signal;
import io.positionkeeper.ports.model.SignalOutcome;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Signals in memory; a claimed signal is never handed out again.
 *
 * <p>A source is bound to an account ({@link AccountId#DEFAULT} unless made with {@link
 * #forAccount} or {@link #fencedBy}); the sources made from one another share one queue, as
 * accounts share one table, and each adds, claims and completes its own account's signals only. A
 * source fenced by a lease claims and completes only while the lease is current.
 */
public final class InMemorySignalSource implements SignalSource {

  /** What became of a signal. */
  public record Completion(SignalOutcome outcome, String detail) {}

  /** The operations the fault knobs address. */
  public enum Op {
    CLAIM,
    COMPLETE
  }

  /** The signals of every account, as one database table holds them. */
  private static final class Queue {
    final Map<Long, Signal> waiting = new LinkedHashMap<>();
    final Map<Long, Signal> claimed = new LinkedHashMap<>();
    final Map<Long, Completion> completed = new LinkedHashMap<>();
    final Map<Long, AccountId> accountOf = new HashMap<>();
  }

  private final FaultKnobs<Op> faults = new FaultKnobs<>(Op.class);
  private final Queue queue;
  private final AccountId account;
  private final Lease lease;
  private final InMemoryAccountLease leases;

  /** A source of the {@link AccountId#DEFAULT} account on a queue of its own. */
  public InMemorySignalSource() {
    this(new Queue(), AccountId.DEFAULT, null, null);
  }

  private InMemorySignalSource(
      Queue queue, AccountId account, Lease lease, InMemoryAccountLease leases) {
    this.queue = queue;
    this.account = Objects.requireNonNull(account, "account");
    this.lease = lease;
    this.leases = leases;
  }

  /** A source of {@code account} on this source's queue, unfenced. */
  public InMemorySignalSource forAccount(AccountId account) {
    return new InMemorySignalSource(queue, account, null, null);
  }

  /** A source of the lease's account on this source's queue, every claim and completion fenced. */
  public InMemorySignalSource fencedBy(Lease lease, InMemoryAccountLease leases) {
    return new InMemorySignalSource(
        queue,
        Objects.requireNonNull(lease, "lease").account(),
        lease,
        Objects.requireNonNull(leases, "leases"));
  }

  public FaultKnobs<Op> faults() {
    return faults;
  }

  private <T> T fenced(Supplier<T> write) {
    return lease == null ? write.get() : leases.whileCurrent(lease, write);
  }

  /** Adds a signal of this source's account to the waiting list. */
  public InMemorySignalSource add(Signal signal) {
    synchronized (queue) {
      if (queue.accountOf.containsKey(signal.id())) {
        throw new IllegalArgumentException("signal " + signal.id() + " exists already");
      }
      queue.waiting.put(signal.id(), signal);
      queue.accountOf.put(signal.id(), account);
      return this;
    }
  }

  @Override
  public List<Signal> claim(int max) {
    if (max <= 0) {
      throw new IllegalArgumentException("max must be > 0, was " + max);
    }
    return PortExceptionHolder.call(faults, Op.CLAIM, () -> fenced(() -> claimNow(max)));
  }

  private List<Signal> claimNow(int max) {
    synchronized (queue) {
      List<Signal> out = new ArrayList<>();
      var it = queue.waiting.values().iterator();
      while (it.hasNext() && out.size() < max) {
        Signal s = it.next();
        if (!account.equals(queue.accountOf.get(s.id()))) {
          continue;
        }
        it.remove();
        queue.claimed.put(s.id(), s);
        out.add(s);
      }
      return out;
    }
  }

  @Override
  public void complete(long signalId, SignalOutcome outcome, String detail) {
    PortExceptionHolder.run(
        faults,
        Op.COMPLETE,
        () ->
            fenced(
                () -> {
                  completeNow(signalId, outcome, detail);
                  return null;
                }));
  }

  private void completeNow(long signalId, SignalOutcome outcome, String detail) {
    synchronized (queue) {
      if (!queue.claimed.containsKey(signalId) || !account.equals(queue.accountOf.get(signalId))) {
        throw new RejectedException(
            "NOT_CLAIMED", "signal " + signalId + " was not claimed by this source");
      }
      if (queue.completed.putIfAbsent(signalId, new Completion(outcome, detail)) != null) {
        throw new RejectedException(
            "ALREADY_COMPLETED", "signal " + signalId + " is already completed");
      }
    }
  }

  /** What became of each completed signal of this source's account. */
  public Map<Long, Completion> completions() {
    synchronized (queue) {
      Map<Long, Completion> mine = new LinkedHashMap<>();
      queue.completed.forEach(
          (id, c) -> {
            if (account.equals(queue.accountOf.get(id))) {
              mine.put(id, c);
            }
          });
      return Map.copyOf(mine);
    }
  }
}
