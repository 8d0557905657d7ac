package io.positionkeeper.bybit;

import com.google.gson.JsonObject;
import io.positionkeeper.bybit.http.BybitHttp;
import io.positionkeeper.bybit.http.BybitHttp.Access;
import io.positionkeeper.bybit.http.Query;
import io.positionkeeper.bybit.parse.Rest;
import io.positionkeeper.bybit.parse.WireFormatException;
import io.positionkeeper.ports.OutcomeUnknownException;
import io.positionkeeper.ports.RetryableException;
import io.positionkeeper.ports.model.Symbol;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The endpoint calls the gateway's parts share: paged lists, the position row of a symbol, the
 * order rows of a link id, and the reading of answers (a malformed read is retryable, a malformed
 * answer to a write leaves it in doubt).
 */
final class Calls {
  static final String LINEAR = "linear";

  private final BybitHttp http;

  Calls(BybitHttp http) {
    this.http = http;
  }

  BybitHttp http() {
    return http;
  }

  /** Every row of a cursor-paged list. */
  List<JsonObject> pages(String path, Query query, Access access) {
    List<JsonObject> rows = new ArrayList<>();
    String cursor = "";
    do {
      String q = query.toString() + (cursor.isEmpty() ? "" : "&" + Query.of("cursor", cursor));
      JsonObject result = http.get(path, q, access).result();
      rows.addAll(read(path, () -> Rest.list(result)));
      cursor = io.positionkeeper.bybit.parse.Wire.optionalText(result, "nextPageCursor").orElse("");
    } while (!cursor.isEmpty());
    return rows;
  }

  /** The one-way position row of a symbol (Bybit lists it even when flat). */
  Optional<JsonObject> positionRow(Symbol symbol) {
    JsonObject result =
        http.get(
                "/v5/position/list",
                Query.of("category", LINEAR).and("symbol", symbol.value()).toString(),
                Access.READ)
            .result();
    return read("/v5/position/list", () -> Rest.list(result)).stream().findFirst();
  }

  /** The newest order with that link id: open or recent ones first, then the history. */
  Optional<JsonObject> orderRow(Symbol symbol, String orderLinkId) {
    for (String path : List.of("/v5/order/realtime", "/v5/order/history")) {
      JsonObject result =
          http.get(
                  path,
                  Query.of("category", LINEAR)
                      .and("symbol", symbol.value())
                      .and("orderLinkId", orderLinkId)
                      .toString(),
                  Access.READ)
              .result();
      Optional<JsonObject> row = read(path, () -> Rest.list(result)).stream().findFirst();
      if (row.isPresent()) {
        return row;
      }
    }
    return Optional.empty();
  }

  static <T> T read(String what, Supplier<T> parse) {
    try {
      return parse.get();
    } catch (WireFormatException | IllegalArgumentException e) {
      throw new RetryableException(what + ": the answer could not be read: " + e.getMessage(), e);
    }
  }

  static <T> T readWritten(String what, Supplier<T> parse) {
    try {
      return parse.get();
    } catch (WireFormatException | IllegalArgumentException e) {
      throw new OutcomeUnknownException(
          what + ": accepted, but the answer could not be read: " + e.getMessage(), e);
    }
  }
}
