package io.positionkeeper.domain.keeper;

import io.positionkeeper.domain.position.Phase;
import io.positionkeeper.domain.position.Position;
import io.positionkeeper.domain.position.PositionBook;
import io.positionkeeper.domain.position.PositionKey;
import io.positionkeeper.domain.retry.Backoff;
import io.positionkeeper.ports.StreamListener;
import io.positionkeeper.ports.model.ClientOrderId;
import io.positionkeeper.ports.model.ConnectionState;
import io.positionkeeper.ports.model.Exchange;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.StopStatus;
import io.positionkeeper.ports.model.StreamEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Notices, from one venue's stream, when a reconciliation is owed before the periodic one: the stop
 * a stored, active position relies on was cancelled or expired on the venue (by hand, by the
 * venue), a position the book does not hold appeared or an order filled on its symbol (an entry
 * that landed after its open gave up, a position opened by hand), a flat the closer could not
 * confirm left a row open, a held position changed side (a net flip), or the streams were resynced
 * after a gap in which such news may have been lost. The keeper's timer asks {@link #due(Instant)}
 * and reconciles; reconciliation reads the venue and re-protects through the same path as always,
 * so this watch never places a stop itself and cannot make a second one.
 *
 * <p>A stop cancelled because the keeper moved it is not news: by the time the timer asks, the book
 * names the replacement, and the suspicion is dropped without a venue call. What it holds is
 * bounded by the number of symbols.
 */
final class ProtectionWatch implements StreamListener {
  private static final Backoff RETRY = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30));

  private final Exchange exchange;
  private final PositionBook book;
  private final Map<PositionKey, ClientOrderId> gone = new HashMap<>();
  private final Set<PositionKey> untracked = new HashSet<>();
  private final Set<PositionKey> unconfirmedFlat = new HashSet<>();
  // Symbols where a size landed while an open still held the symbol in the book.
  private final Set<PositionKey> landedWhileOpening = new HashSet<>();
  // The side of each symbol's last non-zero size on the stream, to see a net flip.
  private final Map<PositionKey, PositionSide> lastSide = new HashMap<>();
  private final Set<PositionKey> flipped = new HashSet<>();
  private boolean resynced;
  // The last run threw, left a repair undone (an action failed, some stops were unread) or deferred
  // one: another is owed until a run completes cleanly, whether or not the stream had news.
  private boolean runOwed;
  // Counts what was noticed, so a reconciliation clears only the news it started after.
  private long news;
  // Runs that ended without settling what was owed, and when the next owed run may start.
  private int unsettledRuns;
  private Instant nextRun = Instant.MIN;
  // While the streams are down no news comes at all: the venue is read by REST on a cadence.
  private Instant nextBlindRun = Instant.MIN;

  ProtectionWatch(Exchange exchange, PositionBook book) {
    this.exchange = Objects.requireNonNull(exchange, "exchange");
    this.book = Objects.requireNonNull(book, "book");
  }

  @Override
  public synchronized void onEvent(StreamEvent event) {
    switch (event) {
      case StreamEvent.StopChanged stop -> onStop(stop);
      case StreamEvent.ConnectionChanged connection -> {
        if (connection.state() == ConnectionState.RESYNCED) {
          resynced = true;
          news++;
          // The runs refused while the streams were down waited on the connection, not on a
          // venue refusing reads: their backoff (up to 30 s) must not hold back the run that
          // looks for what the gap hid.
          unsettledRuns = 0;
          nextRun = Instant.MIN;
          nextBlindRun = Instant.MIN;
        }
      }
      case StreamEvent.PositionChanged position -> onPosition(position);
      case StreamEvent.OrderChanged order -> onOrder(order);
      case StreamEvent.MarkPriceChanged mark -> {}
    }
  }

  /**
   * Counts news. News not held before (a stop newly gone, a position newly untracked) also ends the
   * wait that failed runs built up: that wait keeps a venue refusing reads from being asked on
   * every tick, and earlier failures (a row the store keeps refusing to close on another symbol)
   * must not make a position whose stop just went wait up to 30 s for its re-protection. The same
   * news repeated (a position that cannot be adopted, updated again) does not end it.
   */
  private void noticed(boolean fresh) {
    news++;
    if (fresh) {
      unsettledRuns = 0;
      nextRun = Instant.MIN;
    }
  }

  /**
   * A position the book does not hold appeared on the venue: an entry whose answer was lost and
   * that landed after its open gave up, or one opened by hand. Nothing protects it until a
   * reconciliation adopts it.
   */
  private void onPosition(StreamEvent.PositionChanged position) {
    PositionKey key = new PositionKey(exchange, position.symbol());
    Optional<Position> holder = book.get(key);
    if (position.signedSize().signum() != 0 && holder.isEmpty()) {
      noticed(untracked.add(key));
    }
    // An earlier entry in doubt can land while a later open holds the symbol: if that open then
    // rolls back, its close leaves the late size behind with no stop and no row, and the landing
    // was not news when it came. Whether it is depends on how the open ends (see due).
    if (position.signedSize().signum() != 0 && holder.isPresent() && !settled(holder.get())) {
      landedWhileOpening.add(key);
    }
    if (position.signedSize().signum() == 0) {
      landedWhileOpening.remove(key);
      lastSide.remove(key);
    } else {
      onSide(key, position.signedSize().signum() > 0 ? PositionSide.LONG : PositionSide.SHORT);
    }
    if (position.signedSize().signum() == 0 && stillOpen(key)) {
      // A flat the closer did not take (stale, or the venue could not confirm it): only a read of
      // the venue settles whether the row's position is gone.
      noticed(unconfirmedFlat.add(key));
    }
  }

  /**
   * A fill that can open or add to a position (not reduce-only) on a symbol the book does not hold:
   * the same news as the position update it comes with, and the only news when that update is lost.
   * The venues report the two apart (Binance's {@code ORDER_TRADE_UPDATE} and {@code
   * ACCOUNT_UPDATE}, Bybit's {@code order} and {@code position} topics), so one can be lost while
   * the other arrives: an entry whose answer was lost and that landed just after its open gave up
   * must not wait for the periodic reconciliation because its position update was the one lost.
   * While an open holds the symbol, its fill waits for how the open ends, as a size does.
   */
  private void onOrder(StreamEvent.OrderChanged order) {
    if (order.reduceOnly() || order.lastFilledQuantity().signum() == 0) {
      return;
    }
    PositionKey key = new PositionKey(exchange, order.symbol());
    Optional<Position> holder = book.get(key);
    if (holder.isEmpty()) {
      noticed(untracked.add(key));
    } else if (!settled(holder.get())) {
      landedWhileOpening.add(key);
    }
  }

  /**
   * A held position whose size changed side without going through zero: a late entry larger than
   * the position flipped the venue's one net position (one-way mode). Its stop protects the old
   * side only (a SHORT's close-position stop above the mark cannot stop a LONG falling), so the new
   * side has none until a reconciliation protects it: news at once, not a minute later.
   */
  private void onSide(PositionKey key, PositionSide side) {
    PositionSide before = lastSide.put(key, side);
    Optional<Position> holder = book.get(key);
    if (before != null && before != side && holder.isPresent() && settled(holder.get())) {
      noticed(flipped.add(key));
    }
  }

  /** A stored position the keeper holds and protects: its own sizes are not news. */
  private static boolean settled(Position p) {
    return p instanceof Position.Stored
        && (p.phase() == Phase.ACTIVE || p.phase() == Phase.CLOSING);
  }

  /**
   * Sizes that landed while an open held the symbol become news once the book lets the symbol go
   * (the open rolled back) with the venue's last word a size; an open that ended holding the
   * position owns them.
   */
  private void openingsEnded() {
    var it = landedWhileOpening.iterator();
    while (it.hasNext()) {
      PositionKey key = it.next();
      Optional<Position> holder = book.get(key);
      if (holder.isEmpty()) {
        noticed(untracked.add(key));
        it.remove();
      } else if (settled(holder.get())) {
        it.remove();
      }
    }
  }

  private boolean stillOpen(PositionKey key) {
    Optional<Position> p = book.get(key);
    return p.isPresent()
        && p.get() instanceof Position.Stored
        && (p.get().phase() == Phase.ACTIVE
            || p.get().phase() == Phase.CLOSING
            || p.get().phase() == Phase.PROTECTING);
  }

  private void onStop(StreamEvent.StopChanged stop) {
    if (!endsWithoutClosing(stop.status())) {
      return;
    }
    PositionKey key = new PositionKey(exchange, stop.symbol());
    if (reliesOn(key, stop.clientId())) {
      noticed(!stop.clientId().equals(gone.put(key, stop.clientId())));
    }
  }

  /** A final state that leaves the position where it was: nothing protects it any more. */
  private static boolean endsWithoutClosing(StopStatus status) {
    return switch (status) {
      case CANCELED, EXPIRED, REJECTED -> true;
      case WORKING, TRIGGERED, FILLED -> false;
    };
  }

  private boolean reliesOn(PositionKey key, ClientOrderId stopId) {
    Optional<Position> p = book.get(key);
    return p.isPresent()
        && p.get() instanceof Position.Stored
        && (p.get().phase() == Phase.ACTIVE || p.get().phase() == Phase.CLOSING)
        && p.get().stopId().equals(Optional.of(stopId));
  }

  /**
   * Whether a reconciliation is owed now: after a resync, or while an active position still names a
   * stop the venue reported gone, unless the last owed run did not settle and its wait has not
   * passed. Suspicions the book has moved past (the stop was replaced, the position closed) are
   * dropped here.
   */
  synchronized boolean due(Instant now) {
    gone.entrySet().removeIf(e -> !reliesOn(e.getKey(), e.getValue()));
    openingsEnded();
    boolean owed =
        resynced
            || runOwed
            || !gone.isEmpty()
            || !untracked.isEmpty()
            || !unconfirmedFlat.isEmpty()
            || !flipped.isEmpty();
    return owed && !now.isBefore(nextRun);
  }

  /**
   * Whether a reconciliation by REST alone is due while the streams are down (the caller knows they
   * have been for long enough): one now, then one every {@code every} until they are resynced. The
   * stream tells nothing meanwhile, so this cadence is what bounds how long a stop cancelled on the
   * venue during an outage goes unnoticed.
   */
  synchronized boolean blindRunDue(Instant now, Duration every) {
    if (now.isBefore(nextBlindRun)) {
      return false;
    }
    nextBlindRun = now.plus(every);
    return true;
  }

  /** What has been noticed so far, to hand to {@link #reconciled} after a reconciliation. */
  synchronized long mark() {
    return news;
  }

  /**
   * A reconciliation that started at mark {@code seen} completed: it read the venue's truth after
   * that news. News that came in while it ran stays owed.
   */
  synchronized void reconciled(long seen) {
    if (news == seen) {
      resynced = false;
      gone.clear();
      untracked.clear();
      unconfirmedFlat.clear();
      flipped.clear();
    }
    runOwed = false;
    unsettledRuns = 0;
    nextRun = Instant.MIN;
  }

  /**
   * A reconciliation ended without settling what was owed: it was refused, or it could not read
   * some positions' stops, so it neither saw nor repaired them. The news stays owed, and the next
   * run waits 1 s, doubling up to 30 s: a venue refusing the read is not asked again on every timer
   * tick (on Binance a read of all the account's stops weighs 40 of the minute's 2,400).
   */
  synchronized void unsettled(Instant now) {
    unsettledRuns++;
    nextRun = now.plus(RETRY.delay(unsettledRuns));
  }

  /**
   * A reconciliation completed, but an action it decided failed (an adoption whose row the store
   * refused, a stop that could not be placed) or it could not read some positions' stops: what it
   * found is as unprotected as before, or unknown. A run is owed again whether or not the stream
   * had news (the periodic run that found a position the stream never reported has none to keep
   * owed), with the same growing wait as {@link #unsettled}, not a reconciliation period later.
   */
  synchronized void unrepaired(Instant now) {
    runOwed = true;
    unsettled(now);
  }

  /**
   * A reconciliation left a position's repair to another caller of the keeper still at it (a close
   * being sent): the news stays owed, and the next run may start a timer tick later. The wait does
   * not grow as it does for {@link #unsettled}: the venue refused nothing, and a close that ends
   * refused leaves the position without a stop, so the run after it must not wait up to 30 s.
   */
  synchronized void deferred(Instant now) {
    // Owed even without news: the periodic run that found the position has none to keep owed.
    runOwed = true;
    nextRun = now.plus(RETRY.delay(1));
  }

  /**
   * A reconciliation threw before it decided anything (a driver's bug, not a refusal): the periodic
   * run is owed again, with the same wait as an unsettled one, whether or not the stream had news.
   */
  synchronized void failed(Instant now) {
    unrepaired(now);
  }
}
