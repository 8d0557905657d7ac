package io.positionkeeper.runner.campaign;

import io.positionkeeper.bybit.emulator.BybitEmulator;
import io.positionkeeper.bybit.emulator.BybitEmulator.RecordedRequest;
import io.positionkeeper.ports.model.Symbol;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * One Bybit account as a trader runs it: the Bybit emulator on loopback (its testnet keys), an
 * embedded PostgreSQL, and the runner as a child JVM (see {@link RunnerRig}). Bybit keeps one
 * stop-loss on the position, set and amended in place by {@code /v5/position/trading-stop}, and
 * gives it no client id: the invariants read its trigger from the position.
 */
final class BybitRig extends RunnerRig {
  static final String SYMBOL = "BTCUSDT";
  static final Symbol BTC = Symbol.of(SYMBOL);
  static final String CREATE = "/v5/order/create";
  static final String TRADING_STOP = "/v5/position/trading-stop";
  static final String POSITIONS = "/v5/position/list";
  static final String OPEN_ORDERS = "/v5/order/realtime";

  private final BybitEmulator venue;

  private BybitRig(Path home, BybitEmulator venue) throws Exception {
    super(home);
    this.venue = venue;
    configure("exchange=bybit");
    configure("bybit.restUrl=" + venue.restBaseUrl());
    configure("bybit.publicStreamUrl=" + venue.publicStreamUrl());
    configure("bybit.privateStreamUrl=" + venue.privateStreamUrl());
    // The emulator's keys stand for testnet keys.
    configure("bybit.keys=testnet");
    configure("symbols=" + SYMBOL);
    configure("symbol." + SYMBOL + ".leverage=4");
    environment("BYBIT_TESTNET_API_KEY", venue.apiKey());
    environment("BYBIT_TESTNET_API_SECRET", venue.apiSecret());
  }

  static BybitRig start(Path home) throws Exception {
    BybitEmulator venue = BybitEmulator.start();
    try {
      venue.setMarkPrice(BTC, new BigDecimal("64000"));
      return new BybitRig(home, venue);
    } catch (Exception | Error e) {
      venue.close();
      throw e;
    }
  }

  BybitEmulator venue() {
    return venue;
  }

  @Override
  public String symbol() {
    return SYMBOL;
  }

  @Override
  String exchange() {
    return "BYBIT";
  }

  @Override
  public BigDecimal positionAmount() {
    return venue.positionSize(BTC);
  }

  /** The position's stop-loss, the only stop Bybit keeps for it (none when its trigger is 0). */
  @Override
  public List<VenueStop> workingStops() {
    BigDecimal trigger = venue.stopLoss(BTC);
    return trigger.signum() == 0 ? List.of() : List.of(new VenueStop(Optional.empty(), trigger));
  }

  @Override
  public Map<String, Long> entryOrdersByClientId() {
    return entryOrders().stream()
        .map(BybitRig::linkId)
        .distinct()
        .collect(Collectors.toMap(id -> id, venue::ordersWithLinkId));
  }

  @Override
  List<String> venueSecrets() {
    return List.of(venue.apiKey(), venue.apiSecret());
  }

  List<RecordedRequest> requests(String method, String path) {
    return venue.requests().stream()
        .filter(r -> r.method().equals(method) && r.path().equals(path))
        .toList();
  }

  /** The entry orders the venue received (order creates that are not reduce-only). */
  List<RecordedRequest> entryOrders() {
    return requests("POST", CREATE).stream()
        .filter(r -> !r.body().contains("\"reduceOnly\":true"))
        .toList();
  }

  /** The closing orders the venue received (reduce-only order creates). */
  List<RecordedRequest> closeOrders() {
    return requests("POST", CREATE).stream()
        .filter(r -> r.body().contains("\"reduceOnly\":true"))
        .toList();
  }

  private static String linkId(RecordedRequest r) {
    return com.google.gson.JsonParser.parseString(r.body())
        .getAsJsonObject()
        .get("orderLinkId")
        .getAsString();
  }

  @Override
  void closeVenue() {
    venue.close();
  }
}
