package io.positionkeeper.binance.http;

import com.google.gson.JsonElement;
import io.positionkeeper.binance.http.BinanceHttp.Method;
import io.positionkeeper.binance.http.BinanceHttp.Security;
import io.positionkeeper.binance.parse.RestDecoder;
import io.positionkeeper.binance.parse.Wire;
import java.math.BigDecimal;
import java.util.Objects;
import java.util.function.Function;

/**
 * The raw Binance USDⓈ-M REST API: one method per endpoint, parameters as the venue names them,
 * answers as {@link Wire} records. No port semantics here; errors arrive already translated by
 * {@link BinanceHttp}.
 */
public final class BinanceRestClient {
  private final BinanceHttp http;

  public BinanceRestClient(BinanceHttp http) {
    this.http = Objects.requireNonNull(http, "http");
  }

  public BinanceHttp http() {
    return http;
  }

  /** {@code GET /fapi/v1/time}, also re-measuring the offset used to stamp signed requests. */
  public long serverTime() {
    return http.syncTime();
  }

  /** {@code GET /fapi/v1/exchangeInfo} (weight 1). */
  public Wire.ExchangeInfo exchangeInfo() {
    Wire.ExchangeInfo info =
        call(
            Method.GET,
            "/fapi/v1/exchangeInfo",
            Params.create(),
            Security.PUBLIC,
            RequestKind.READ,
            RestDecoder::exchangeInfo);
    http.rateLimiter().setLimits(info.rateLimits());
    return info;
  }

  /** {@code GET /fapi/v1/premiumIndex?symbol=} (weight 1). */
  public Wire.PremiumIndex premiumIndex(String symbol) {
    return call(
        Method.GET,
        "/fapi/v1/premiumIndex",
        Params.create().add("symbol", symbol),
        Security.PUBLIC,
        RequestKind.READ,
        RestDecoder::premiumIndex);
  }

  /**
   * {@code POST /fapi/v1/order} type MARKET with {@code newOrderRespType=RESULT}: the answer of a
   * filled market order carries the fill.
   */
  public Wire.Order newMarketOrder(
      String symbol, String side, BigDecimal quantity, String clientOrderId, boolean reduceOnly) {
    Params p =
        Params.create()
            .add("symbol", symbol)
            .add("side", side)
            .add("type", "MARKET")
            .add("quantity", quantity)
            .add("newClientOrderId", clientOrderId)
            .add("newOrderRespType", "RESULT");
    if (reduceOnly) {
      p.add("reduceOnly", "true");
    }
    return call(
        Method.POST,
        "/fapi/v1/order",
        p,
        Security.SIGNED,
        reduceOnly ? RequestKind.ORDER_EXEMPT : RequestKind.ORDER,
        RestDecoder::order);
  }

  /** {@code GET /fapi/v1/order?origClientOrderId=}. */
  public Wire.Order queryOrder(String symbol, String clientOrderId) {
    return queryOrder(symbol, clientOrderId, RequestKind.READ);
  }

  /**
   * {@code GET /fapi/v1/order?origClientOrderId=} as {@code kind}: {@link RequestKind#ORDER_LOOKUP}
   * right before an order with that id is sent.
   */
  public Wire.Order queryOrder(String symbol, String clientOrderId, RequestKind kind) {
    return call(
        Method.GET,
        "/fapi/v1/order",
        Params.create().add("symbol", symbol).add("origClientOrderId", clientOrderId),
        Security.SIGNED,
        kind,
        RestDecoder::order);
  }

  /** {@code GET /fapi/v1/order?orderId=}. */
  public Wire.Order queryOrder(String symbol, long orderId) {
    return call(
        Method.GET,
        "/fapi/v1/order",
        Params.create().add("symbol", symbol).add("orderId", orderId),
        Security.SIGNED,
        RequestKind.READ,
        RestDecoder::order);
  }

  /** {@code DELETE /fapi/v1/order?origClientOrderId=}. */
  public Wire.Order cancelOrder(String symbol, String clientOrderId) {
    return call(
        Method.DELETE,
        "/fapi/v1/order",
        Params.create().add("symbol", symbol).add("origClientOrderId", clientOrderId),
        Security.SIGNED,
        RequestKind.CANCEL,
        RestDecoder::order);
  }

  /**
   * {@code POST /fapi/v1/algoOrder}: a conditional STOP_MARKET that closes the whole position when
   * the mark price reaches {@code triggerPrice}; {@code priceProtect} as configured.
   */
  public Wire.AlgoOrder newClosePositionStop(
      String symbol,
      String side,
      BigDecimal triggerPrice,
      String clientAlgoId,
      boolean priceProtect) {
    Params p =
        Params.create()
            .add("algoType", "CONDITIONAL")
            .add("symbol", symbol)
            .add("side", side)
            .add("type", "STOP_MARKET")
            .add("triggerPrice", triggerPrice)
            .add("closePosition", "true")
            .add("workingType", "MARK_PRICE")
            .add("priceProtect", priceProtect ? "TRUE" : "FALSE")
            .add("clientAlgoId", clientAlgoId);
    return call(
        Method.POST,
        "/fapi/v1/algoOrder",
        p,
        Security.SIGNED,
        RequestKind.ORDER_EXEMPT,
        RestDecoder::algoOrder);
  }

  /** {@code GET /fapi/v1/algoOrder?clientAlgoId=}. */
  public Wire.AlgoOrder queryAlgoOrder(String clientAlgoId) {
    return call(
        Method.GET,
        "/fapi/v1/algoOrder",
        Params.create().add("clientAlgoId", clientAlgoId),
        Security.SIGNED,
        RequestKind.READ,
        RestDecoder::algoOrder);
  }

  /** {@code GET /fapi/v1/algoOrder?clientAlgoId=} right before a stop with that id is sent. */
  public Wire.AlgoOrder lookUpAlgoOrder(String clientAlgoId) {
    return call(
        Method.GET,
        "/fapi/v1/algoOrder",
        Params.create().add("clientAlgoId", clientAlgoId),
        Security.SIGNED,
        RequestKind.ORDER_LOOKUP,
        RestDecoder::algoOrder);
  }

  /** {@code DELETE /fapi/v1/algoOrder?clientAlgoId=}. */
  public Wire.AlgoCancel cancelAlgoOrder(String clientAlgoId) {
    return call(
        Method.DELETE,
        "/fapi/v1/algoOrder",
        Params.create().add("clientAlgoId", clientAlgoId),
        Security.SIGNED,
        RequestKind.CANCEL,
        RestDecoder::algoCancel);
  }

  /** {@code GET /fapi/v1/openAlgoOrders?symbol=} (weight 1 with a symbol). */
  public Wire.Rows<Wire.AlgoOrder> openAlgoOrders(String symbol) {
    return call(
        Method.GET,
        "/fapi/v1/openAlgoOrders",
        Params.create().add("symbol", symbol),
        Security.SIGNED,
        RequestKind.READ,
        RestDecoder::algoOrders);
  }

  /**
   * {@code GET /fapi/v1/openAlgoOrders} without a symbol (weight 40): the open algo orders of every
   * symbol in one request.
   */
  public Wire.Rows<Wire.AlgoOrder> allOpenAlgoOrders() {
    JsonElement body =
        http.send(
            Method.GET,
            "/fapi/v1/openAlgoOrders",
            Params.create(),
            Security.SIGNED,
            RequestKind.READ,
            ALL_OPEN_ALGO_ORDERS_WEIGHT);
    return BinanceHttp.decode(
        "GET /fapi/v1/openAlgoOrders", RequestKind.READ, body, RestDecoder::algoOrders);
  }

  /** The request weight of {@code GET /fapi/v1/openAlgoOrders} without a symbol. */
  public static final int ALL_OPEN_ALGO_ORDERS_WEIGHT = 40;

  /** {@code GET /fapi/v3/positionRisk} (weight 5): every symbol with a position or open order. */
  public Wire.Rows<Wire.Position> positionRisk() {
    return call(
        Method.GET,
        "/fapi/v3/positionRisk",
        Params.create(),
        Security.SIGNED,
        RequestKind.READ,
        RestDecoder::positions);
  }

  /** {@code GET /fapi/v1/userTrades?symbol=&limit=} (weight 5): the newest fills, oldest first. */
  public Wire.Rows<Wire.UserTrade> userTrades(String symbol, int limit) {
    return call(
        Method.GET,
        "/fapi/v1/userTrades",
        Params.create().add("symbol", symbol).add("limit", limit),
        Security.SIGNED,
        RequestKind.READ,
        RestDecoder::userTrades);
  }

  /**
   * {@code GET /fapi/v1/userTrades?symbol=&startTime=&endTime=&limit=} (weight 5): the fills of a
   * window of at most 7 days ({@code endTime - startTime}, both in epoch milliseconds), oldest
   * first.
   */
  public Wire.Rows<Wire.UserTrade> userTrades(
      String symbol, long startTime, long endTime, int limit) {
    return call(
        Method.GET,
        "/fapi/v1/userTrades",
        Params.create()
            .add("symbol", symbol)
            .add("startTime", startTime)
            .add("endTime", endTime)
            .add("limit", limit),
        Security.SIGNED,
        RequestKind.READ,
        RestDecoder::userTrades);
  }

  /** {@code GET /fapi/v1/positionSide/dual} (weight 30): true in hedge mode. */
  public boolean dualSidePosition() {
    return call(
        Method.GET,
        "/fapi/v1/positionSide/dual",
        Params.create(),
        Security.SIGNED,
        RequestKind.READ,
        RestDecoder::dualSidePosition);
  }

  /** {@code POST /fapi/v1/leverage}: sets the symbol's leverage; returns the leverage set. */
  public int changeLeverage(String symbol, int leverage) {
    return call(
        Method.POST,
        "/fapi/v1/leverage",
        Params.create().add("symbol", symbol).add("leverage", leverage),
        Security.SIGNED,
        RequestKind.ACCOUNT_SETTING,
        RestDecoder::leverage);
  }

  /**
   * {@code POST /fapi/v1/marginType} ({@code ISOLATED}/{@code CROSSED}); -4046 (no need to change)
   * arrives as a {@code RejectedException}.
   */
  public void changeMarginType(String symbol, String marginType) {
    call(
        Method.POST,
        "/fapi/v1/marginType",
        Params.create().add("symbol", symbol).add("marginType", marginType),
        Security.SIGNED,
        RequestKind.ACCOUNT_SETTING,
        RestDecoder::marginTypeChanged);
  }

  /** {@code POST /fapi/v1/listenKey}: a new key, or the active one extended. */
  public String createListenKey() {
    return call(
        Method.POST,
        "/fapi/v1/listenKey",
        Params.create(),
        Security.API_KEY,
        RequestKind.USER_STREAM,
        RestDecoder::listenKey);
  }

  /** {@code PUT /fapi/v1/listenKey}: extends the active key by 60 minutes; -1125 if it is gone. */
  public void keepAliveListenKey() {
    http.send(
        Method.PUT,
        "/fapi/v1/listenKey",
        Params.create(),
        Security.API_KEY,
        RequestKind.USER_STREAM);
  }

  /** {@code DELETE /fapi/v1/listenKey}. */
  public void closeListenKey() {
    http.send(
        Method.DELETE,
        "/fapi/v1/listenKey",
        Params.create(),
        Security.API_KEY,
        RequestKind.USER_STREAM);
  }

  private <T> T call(
      Method method,
      String path,
      Params params,
      Security security,
      RequestKind kind,
      Function<JsonElement, T> decoder) {
    JsonElement body = http.send(method, path, params, security, kind);
    return BinanceHttp.decode(method + " " + path, kind, body, decoder);
  }
}
