package io.positionkeeper.binance.parse;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * The venue's REST payloads as records, field for field, with Binance's names and raw enum text.
 * Numbers are already exact ({@code long}, {@link BigDecimal}); nothing is interpreted yet: that is
 * {@link PortMapper}'s job.
 */
public final class Wire {
  private Wire() {}

  /** {@code GET/POST/DELETE /fapi/v1/order}. */
  public record Order(
      String symbol,
      long orderId,
      String clientOrderId,
      String side,
      String positionSide,
      String status,
      String type,
      BigDecimal origQty,
      BigDecimal executedQty,
      BigDecimal avgPrice,
      boolean reduceOnly,
      boolean closePosition,
      long updateTime) {}

  /** {@code GET/POST /fapi/v1/algoOrder}, {@code GET /fapi/v1/openAlgoOrders}. */
  public record AlgoOrder(
      long algoId,
      String clientAlgoId,
      String algoType,
      String orderType,
      String symbol,
      String side,
      String positionSide,
      String algoStatus,
      BigDecimal triggerPrice,
      BigDecimal quantity,
      boolean closePosition,
      boolean reduceOnly,
      String workingType,
      boolean priceProtect,
      String actualOrderId,
      long updateTime) {}

  /** {@code DELETE /fapi/v1/algoOrder}: {@code code} is the text {@code "200"} on success. */
  public record AlgoCancel(long algoId, String clientAlgoId, String code, String msg) {}

  /** One row of {@code GET /fapi/v3/positionRisk} (or v2). */
  public record Position(
      String symbol,
      String positionSide,
      BigDecimal positionAmt,
      BigDecimal entryPrice,
      BigDecimal markPrice,
      long updateTime) {}

  /** One symbol of {@code GET /fapi/v1/exchangeInfo}, reduced to the filters we trade by. */
  public record SymbolRules(
      String symbol,
      String contractType,
      String status,
      BigDecimal tickSize,
      BigDecimal stepSize,
      BigDecimal minQty,
      BigDecimal maxQty,
      BigDecimal minNotional) {}

  /** One entry of {@code exchangeInfo.rateLimits}. */
  public record RateLimit(String rateLimitType, String interval, int intervalNum, long limit) {}

  /**
   * {@code GET /fapi/v1/exchangeInfo}: the readable symbols, the unreadable ones with the reason,
   * and the rate limits.
   */
  public record ExchangeInfo(
      List<SymbolRules> symbols, Map<String, String> unreadable, List<RateLimit> rateLimits) {
    public ExchangeInfo {
      symbols = List.copyOf(symbols);
      unreadable = Map.copyOf(unreadable);
      rateLimits = List.copyOf(rateLimits);
    }
  }

  /** One fill of {@code GET /fapi/v1/userTrades}. */
  public record UserTrade(
      String symbol,
      long id,
      long orderId,
      String side,
      String positionSide,
      BigDecimal price,
      BigDecimal qty,
      BigDecimal realizedPnl,
      long time) {}

  /** {@code GET /fapi/v1/premiumIndex?symbol=}. */
  public record PremiumIndex(String symbol, BigDecimal markPrice, long time) {}

  /**
   * The rows of an array answer that could be read, and one text per row that could not: a bad row
   * never silently vanishes.
   */
  public record Rows<T>(List<T> rows, List<String> problems) {
    public Rows {
      rows = List.copyOf(rows);
      problems = List.copyOf(problems);
    }

    public boolean complete() {
      return problems.isEmpty();
    }
  }
}
