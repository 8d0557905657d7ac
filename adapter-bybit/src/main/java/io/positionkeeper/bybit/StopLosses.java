package io.positionkeeper.bybit;

import com.google.gson.JsonObject;
import io.positionkeeper.bybit.parse.PositionStop;
import io.positionkeeper.bybit.parse.Rest;
import io.positionkeeper.ports.OutcomeUnknownException;
import io.positionkeeper.ports.RejectedException;
import io.positionkeeper.ports.RetryableException;
import io.positionkeeper.ports.StopWouldTriggerException;
import io.positionkeeper.ports.model.ClientOrderId;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.StopLossRequest;
import io.positionkeeper.ports.model.StopOrder;
import io.positionkeeper.ports.model.StopStatus;
import io.positionkeeper.ports.model.Symbol;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The position-level stop-loss through {@code /v5/position/trading-stop} ({@code tpslMode=Full},
 * {@code slTriggerBy=MarkPrice}, {@code positionIdx=0}). Bybit keeps one such stop per position and
 * moves it in place, so a trailing move is one call and the position is never without its stop;
 * {@code "0"} removes it, and the venue removes it itself when the position closes.
 */
final class StopLosses {
  private static final String PATH = "/v5/position/trading-stop";
  private static final String RISING_NOT_ABOVE = "110092";
  private static final String FALLING_NOT_BELOW = "110093";
  private static final String PARAMETER_ERROR = "10001";

  private final Calls calls;
  private final StopIds ids;
  private final InDoubt inDoubt;
  private final Map<Symbol, Pending> doubted = new ConcurrentHashMap<>();

  /** A placement whose answer was lost, and the id the stop had before it. */
  private record Pending(StopLossRequest request, Optional<ClientOrderId> replaced) {}

  StopLosses(Calls calls, StopIds ids, InDoubt inDoubt) {
    this.calls = calls;
    this.ids = ids;
    this.inDoubt = inDoubt;
  }

  StopOrder place(StopLossRequest request) {
    Symbol symbol = request.symbol();
    JsonObject row = openRow(symbol, request.positionSide());
    Optional<PositionStop> now = stopOf(row);
    if (now.isEmpty()) {
      ids.gone(symbol);
    }
    ClientOrderId id = request.clientId();
    if (now.isPresent() && ids.names(symbol, id)) {
      if (now.get().trigger().compareTo(request.triggerPrice()) == 0) {
        return working(symbol, id, now.get());
      }
      throw new RejectedException(
          "stop-id-clash",
          "client id "
              + id
              + " names the stop at "
              + now.get().trigger().toPlainString()
              + " on "
              + symbol
              + ", not one at "
              + request.triggerPrice().toPlainString());
    }
    if (ids.isRetired(id)) {
      throw new RejectedException(
          "stop-id-used",
          "client id " + id + " named a stop that is no longer working on " + symbol);
    }
    Optional<ClientOrderId> replaced = ids.provisional(symbol, id);
    try {
      set(symbol, request.triggerPrice());
    } catch (OutcomeUnknownException e) {
      doubted.put(symbol, new Pending(request, replaced));
      inDoubt.mark(key(symbol));
      throw e;
    } catch (RuntimeException e) {
      ids.revert(symbol, replaced);
      throw e;
    }
    settle(symbol);
    ids.confirm(symbol, id, replaced);
    return new StopOrder(
        symbol,
        id,
        Optional.empty(),
        request.positionSide(),
        request.triggerPrice(),
        StopStatus.WORKING);
  }

  /** Moves the position's stop in place; it keeps the id it is known by. */
  StopOrder move(StopOrder current, StopLossRequest replacement) {
    Symbol symbol = replacement.symbol();
    if (!current.symbol().equals(symbol) || current.positionSide() != replacement.positionSide()) {
      throw new IllegalArgumentException(
          "a stop of "
              + current.symbol()
              + " "
              + current.positionSide()
              + " cannot move to "
              + symbol
              + " "
              + replacement.positionSide());
    }
    openRow(symbol, replacement.positionSide());
    set(symbol, replacement.triggerPrice());
    ids.assign(symbol, current.clientId());
    return new StopOrder(
        symbol,
        current.clientId(),
        Optional.empty(),
        replacement.positionSide(),
        replacement.triggerPrice(),
        StopStatus.WORKING);
  }

  void cancel(Symbol symbol, ClientOrderId id) {
    Optional<PositionStop> now = calls.positionRow(symbol).flatMap(StopLosses::stopOf);
    if (now.isEmpty() || !ids.names(symbol, id)) {
      // Not the stop working on the symbol: it is gone already, which is no error.
      if (now.isEmpty()) {
        ids.gone(symbol);
      }
      return;
    }
    setRaw(symbol, "0");
    if (calls.positionRow(symbol).flatMap(StopLosses::stopOf).isPresent()) {
      throw new RetryableException("the stop on " + symbol + " is still listed after its removal");
    }
    ids.gone(symbol);
  }

  List<StopOrder> open(Symbol symbol) {
    return fromRow(symbol, calls.positionRow(symbol));
  }

  /**
   * The stops of every position, from the rows of the position list read by settle coin (which
   * lists only positions of size above zero, each with its {@code stopLoss}); a symbol whose stop
   * is in doubt and which the list does not show is judged as {@link #open} judges it.
   */
  List<StopOrder> openAll(List<JsonObject> positionRows) {
    Map<Symbol, JsonObject> bySymbol = new TreeMap<>();
    for (JsonObject row : positionRows) {
      Symbol symbol =
          Calls.read("position", () -> Rest.position(row, "avgPrice", Instant.EPOCH)).symbol();
      if (bySymbol.put(symbol, row) != null) {
        throw new RetryableException(
            "the position list shows " + symbol + " twice (a page moved while it was read)");
      }
    }
    List<StopOrder> all = new ArrayList<>();
    for (Map.Entry<Symbol, JsonObject> e : bySymbol.entrySet()) {
      all.addAll(fromRow(e.getKey(), Optional.of(e.getValue())));
    }
    for (Symbol symbol : List.copyOf(doubted.keySet())) {
      if (!bySymbol.containsKey(symbol)) {
        all.addAll(fromRow(symbol, Optional.empty()));
      }
    }
    return List.copyOf(all);
  }

  private List<StopOrder> fromRow(Symbol symbol, Optional<JsonObject> row) {
    Optional<PositionStop> now = row.flatMap(StopLosses::stopOf);
    if (now.isEmpty()) {
      ids.gone(symbol);
      if (inDoubt.contains(key(symbol)) && !inDoubt.absentNow(key(symbol))) {
        throw new OutcomeUnknownException(
            "a stop-loss placed on " + symbol + " got an ambiguous answer and is not listed yet");
      }
      doubted.remove(symbol);
      return List.of();
    }
    Pending pending = doubted.get(symbol);
    if (pending != null) {
      if (pending.request().triggerPrice().compareTo(now.get().trigger()) == 0) {
        ids.confirm(symbol, pending.request().clientId(), pending.replaced());
      } else {
        ids.revert(symbol, pending.replaced());
      }
    }
    settle(symbol);
    return List.of(working(symbol, ids.idOf(symbol), now.get()));
  }

  private void settle(Symbol symbol) {
    doubted.remove(symbol);
    inDoubt.settle(key(symbol));
  }

  private JsonObject openRow(Symbol symbol, PositionSide side) {
    JsonObject row =
        calls
            .positionRow(symbol)
            .orElseThrow(() -> new RejectedException("no-position", "no position on " + symbol));
    Optional<PositionSide> actual =
        Calls.read("position", () -> Rest.position(row, "avgPrice", Instant.EPOCH)).side();
    if (actual.isEmpty() || actual.get() != side) {
      throw new RejectedException(
          "no-position",
          "no "
              + side
              + " position on "
              + symbol
              + " to protect (the venue shows "
              + actual.map(Enum::name).orElse("none")
              + ")");
    }
    return row;
  }

  private void set(Symbol symbol, BigDecimal trigger) {
    try {
      setRaw(symbol, trigger.toPlainString());
    } catch (RejectedException e) {
      if (wouldTrigger(e)) {
        // The venue's price is already beyond the stop: the caller learns the level is crossed.
        throw new StopWouldTriggerException(e.code(), e.reason(), e);
      }
      throw e;
    }
  }

  /**
   * Whether a refusal says the stop would trigger at once: 110092 / 110093 (the error code table:
   * the trigger on the wrong side of the current price), or the position endpoint's 10001 whose
   * message names the {@code base_price} the stop must stay beyond (inferred from third-party
   * reports of this answer, e.g. "sl:... set for Sell position should greater base_price:...";
   * 10001 is otherwise the generic parameter error, so only that message counts).
   */
  static boolean wouldTrigger(RejectedException e) {
    return switch (e.code()) {
      case RISING_NOT_ABOVE, FALLING_NOT_BELOW -> true;
      case PARAMETER_ERROR -> e.reason().contains("base_price");
      default -> false;
    };
  }

  private void setRaw(Symbol symbol, String stopLoss) {
    JsonObject body = new JsonObject();
    body.addProperty("category", Calls.LINEAR);
    body.addProperty("symbol", symbol.value());
    body.addProperty("tpslMode", "Full");
    body.addProperty("positionIdx", 0);
    body.addProperty("stopLoss", stopLoss);
    if (!"0".equals(stopLoss)) {
      body.addProperty("slTriggerBy", "MarkPrice");
    }
    // 34040 "not modified" means this value is already set: an answer like any other.
    calls.http().post(PATH, body.toString());
  }

  private static Optional<PositionStop> stopOf(JsonObject row) {
    return Calls.read("position", () -> Rest.stop(row, Instant.EPOCH));
  }

  private static StopOrder working(Symbol symbol, ClientOrderId id, PositionStop stop) {
    return new StopOrder(
        symbol, id, Optional.empty(), stop.side(), stop.trigger(), StopStatus.WORKING);
  }

  private static String key(Symbol symbol) {
    return "stop:" + symbol.value();
  }
}
