package io.positionkeeper.bybit;

import com.google.gson.JsonObject;
import io.positionkeeper.bybit.http.BybitHttp.Access;
import io.positionkeeper.bybit.http.Query;
import io.positionkeeper.bybit.parse.Fill;
import io.positionkeeper.bybit.parse.Rest;
import io.positionkeeper.bybit.parse.Wire;
import io.positionkeeper.ports.model.ClientOrderId;
import io.positionkeeper.ports.model.ExchangeOrderId;
import io.positionkeeper.ports.model.ExchangePosition;
import io.positionkeeper.ports.model.PositionExit;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.Side;
import io.positionkeeper.ports.model.Symbol;
import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * What the execution history ({@code /v5/execution/list}) says about a position: the order that
 * opened it (from the position's {@code openTime}, since 2026-04-21) and how it ended.
 */
final class Trades {
  private static final String PATH = "/v5/execution/list";

  private final Calls calls;
  private final StopIds stopIds;

  Trades(Calls calls, StopIds stopIds) {
    this.calls = calls;
    this.stopIds = stopIds;
  }

  Optional<ExchangeOrderId> openingOrderId(Symbol symbol, PositionSide side) {
    Optional<JsonObject> row = calls.positionRow(symbol);
    if (row.isEmpty()) {
      return Optional.empty();
    }
    ExchangePosition position =
        Calls.read("position", () -> Rest.position(row.get(), "avgPrice", Instant.EPOCH));
    if (position.side().filter(s -> s == side).isEmpty()) {
      return Optional.empty();
    }
    Optional<Instant> openTime =
        Calls.read("openTime", () -> Wire.optionalMillis(row.get(), "openTime"));
    List<Fill> fills = fills(symbol, openTime.orElse(null));
    // The first entry-side trade that closed nothing, at or after the open, opened the position;
    // without openTime (rows before 2026-04-21) the last such trade is the best the history shows.
    var entries =
        fills.stream()
            .filter(
                f -> f.isTrade() && f.side() == side.entrySide() && f.closedSize().signum() == 0)
            .filter(f -> openTime.isEmpty() || !f.time().isBefore(openTime.get()));
    Optional<Fill> opening =
        openTime.isPresent()
            ? entries.min(Comparator.comparing(Fill::time))
            : entries.max(Comparator.comparing(Fill::time));
    return opening.map(Fill::orderId);
  }

  Optional<PositionExit> exitSince(Symbol symbol, PositionSide side, Instant since) {
    List<Fill> trades =
        fills(symbol, since).stream()
            .filter(f -> f.isTrade() && f.time().isAfter(since))
            .sorted(Comparator.comparing(Fill::time))
            .toList();
    List<Fill> closing = ownLife(symbol, side, trades);
    if (closing.isEmpty()) {
      return Optional.empty();
    }
    BigDecimal quantity = BigDecimal.ZERO;
    BigDecimal value = BigDecimal.ZERO;
    BigDecimal pnl = BigDecimal.ZERO;
    for (Fill f : closing) {
      quantity = quantity.add(f.closedSize());
      value = value.add(f.price().multiply(f.closedSize()));
      pnl = pnl.add(f.pnl());
    }
    Fill last = closing.get(closing.size() - 1);
    return Optional.of(
        new PositionExit(
            symbol,
            side,
            quantity,
            value.divide(quantity, MathContext.DECIMAL64).stripTrailingZeros(),
            pnl,
            closingId(symbol, last),
            last.time()));
  }

  /**
   * The fills (oldest first) that closed part of one position of {@code side}: from the first after
   * the start of {@code trades} to the one that left the venue flat or turned it, no later ones.
   * The size after each fill is told backwards from the position the venue holds now.
   */
  private List<Fill> ownLife(Symbol symbol, PositionSide side, List<Fill> trades) {
    BigDecimal size =
        calls
            .positionRow(symbol)
            .map(
                r ->
                    Calls.read("position", () -> Rest.position(r, "avgPrice", Instant.EPOCH))
                        .signedSize())
            .orElse(BigDecimal.ZERO);
    boolean[] ended = new boolean[trades.size()];
    for (int i = trades.size() - 1; i >= 0; i--) {
      Fill f = trades.get(i);
      ended[i] = size.signum() != side.sign();
      size = size.subtract(f.side() == Side.BUY ? f.quantity() : f.quantity().negate());
    }
    List<Fill> closing = new ArrayList<>();
    for (int i = 0; i < trades.size(); i++) {
      Fill f = trades.get(i);
      if (f.side() == side.exitSide() && f.closedSize().signum() > 0) {
        closing.add(f);
        if (ended[i]) {
          break;
        }
      }
    }
    return closing;
  }

  /**
   * The position's stop-loss gives its fill no {@code orderLinkId}; such a fill is named by the id
   * the stop was known by, as the streams name it, so a stop that fired unwatched is still known as
   * the stop's close.
   */
  private Optional<ClientOrderId> closingId(Symbol symbol, Fill last) {
    if (last.orderLinkId().isEmpty() && last.byPositionStopLoss()) {
      return Optional.of(stopIds.firedIdOf(symbol));
    }
    return last.orderLinkId().map(ClientOrderId::of);
  }

  private List<Fill> fills(Symbol symbol, Instant from) {
    Query q = Query.of("category", Calls.LINEAR).and("symbol", symbol.value()).and("limit", 100);
    if (from != null) {
      q.and("startTime", from.toEpochMilli());
    }
    return calls.pages(PATH, q, Access.READ).stream()
        .map(r -> Calls.read(PATH, () -> Rest.fill(r)))
        .toList();
  }
}
