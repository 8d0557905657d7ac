package io.positionkeeper.bybit;

import io.positionkeeper.ports.model.ClientOrderId;
import io.positionkeeper.ports.model.Symbol;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The client ids of Bybit's position-level stops. Bybit keeps one stop-loss per position, set and
 * moved in place by {@code /v5/position/trading-stop}, and gives it no client id. The id a caller
 * placed it with is remembered here; a stop this instance did not place (after a restart, or set by
 * hand) is reported with the id derived from its symbol, {@code bybit-sl-<SYMBOL>}, which any later
 * instance derives the same way. Ids that named a stop once are never given to another.
 */
final class StopIds {
  static final String DERIVED_PREFIX = "bybit-sl-";

  private final Map<Symbol, ClientOrderId> working = new ConcurrentHashMap<>();
  private final Set<ClientOrderId> retired = ConcurrentHashMap.newKeySet();
  // The id of each symbol's last stop that is gone: its trigger's fill, read later from the
  // execution history, is that stop's close.
  private final Map<Symbol, ClientOrderId> lastGone = new ConcurrentHashMap<>();

  /** The id a stop working on {@code symbol} is reported with. */
  ClientOrderId idOf(Symbol symbol) {
    return Optional.ofNullable(working.get(symbol)).orElseGet(() -> derived(symbol));
  }

  static ClientOrderId derived(Symbol symbol) {
    String id = DERIVED_PREFIX + symbol.value();
    // Symbols are at most 40 characters, client ids 36: a long symbol keeps its head and a hash.
    if (id.length() > 36) {
      id = id.substring(0, 27) + "-" + Integer.toHexString(symbol.value().hashCode());
    }
    return ClientOrderId.of(id);
  }

  /**
   * After a restart: {@code id} is the name the stop on {@code symbol} was placed with, as the
   * caller's store kept it. Taken only while this instance knows no name for the symbol and the id
   * never named a stop that is gone.
   */
  void restore(Symbol symbol, ClientOrderId id) {
    if (!retired.contains(id)) {
      working.putIfAbsent(symbol, id);
    }
  }

  /** Whether {@code id} names the stop working on {@code symbol}. */
  boolean names(Symbol symbol, ClientOrderId id) {
    return idOf(symbol).equals(id);
  }

  /** Whether {@code id} named a stop that is no longer working. */
  boolean isRetired(ClientOrderId id) {
    return retired.contains(id);
  }

  /** {@code id} now names the stop of {@code symbol}. */
  void assign(Symbol symbol, ClientOrderId id) {
    ClientOrderId before = working.put(symbol, id);
    if (before != null && !before.equals(id)) {
      retired.add(before);
    }
  }

  /**
   * {@code id} names the stop of {@code symbol} from now, before the request that sets it is sent,
   * so that the venue's stream message about it, which can arrive before the answer, carries it.
   * Returns the id it replaces, which is not yet retired: see {@link #confirm} and {@link #revert}.
   */
  Optional<ClientOrderId> provisional(Symbol symbol, ClientOrderId id) {
    return Optional.ofNullable(working.put(symbol, id));
  }

  /** The provisional id stands: the one it replaced is retired. */
  void confirm(Symbol symbol, ClientOrderId id, Optional<ClientOrderId> replaced) {
    working.put(symbol, id);
    retired.remove(id); // a doubted placement that landed after all
    replaced.filter(r -> !r.equals(id)).ifPresent(retired::add);
  }

  /** The provisional id did not take: the stop keeps the name it had. */
  void revert(Symbol symbol, Optional<ClientOrderId> replaced) {
    if (replaced.isPresent()) {
      working.put(symbol, replaced.get());
    } else {
      working.remove(symbol);
    }
  }

  /** The stop of {@code symbol} is gone (cancelled, triggered, its position closed). */
  void gone(Symbol symbol) {
    ClientOrderId before = working.remove(symbol);
    if (before != null) {
      retired.add(before);
      lastGone.put(symbol, before);
    }
  }

  /**
   * The id the stop of {@code symbol} that made a stop-loss fill was known by: the working one's,
   * else the last one gone's, else the derived one.
   */
  ClientOrderId firedIdOf(Symbol symbol) {
    ClientOrderId now = working.get(symbol);
    if (now != null) {
      return now;
    }
    return Optional.ofNullable(lastGone.get(symbol)).orElseGet(() -> derived(symbol));
  }
}
