package io.positionkeeper.postgres.bench;

import io.positionkeeper.ports.model.AccountId;
import io.positionkeeper.ports.model.AuditRecord;
import io.positionkeeper.ports.model.ClientOrderId;
import io.positionkeeper.ports.model.EventIds;
import io.positionkeeper.ports.model.Exchange;
import io.positionkeeper.ports.model.ExchangeOrderId;
import io.positionkeeper.ports.model.NewPosition;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.Severity;
import io.positionkeeper.ports.model.Symbol;
import io.positionkeeper.postgres.JooqPositionStore;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * Audit events shaped like a bot's, for the benchmarks (here and the runner's end-to-end one): half
 * about one of {@value #POSITIONS} stored positions (a foreign-key check each), half about one of
 * {@value #POSITIONS} pending ones; each position's events share its correlation key (its entry
 * order id, as the domain makes them); a four-field payload.
 */
public final class BotTrail {
  public static final int POSITIONS = 8;

  private final long[] positionIds = new long[POSITIONS];
  private final String[] storedKeys = new String[POSITIONS];
  private final String[] pendingKeys = new String[POSITIONS];

  /** Stores the positions (each with its opening event) in the database behind {@code pool}. */
  public BotTrail(DataSource pool) {
    this(pool, AccountId.DEFAULT);
  }

  /**
   * Stores {@code account}'s positions (each with its opening event): a journal of that account may
   * write events about them (the schema's (position_id, account) key).
   */
  public BotTrail(DataSource pool, AccountId account) {
    JooqPositionStore positions = new JooqPositionStore(pool, account);
    for (int i = 0; i < POSITIONS; i++) {
      storedKeys[i] = entryOrderId();
      pendingKeys[i] = entryOrderId();
      positionIds[i] =
          positions.insert(
              new NewPosition(
                  Exchange.BINANCE,
                  Symbol.of("SYM" + i + "USDT"),
                  PositionSide.LONG,
                  new BigDecimal("0.015"),
                  new BigDecimal("67234.10"),
                  ExchangeOrderId.of(8389765123456789012L + i),
                  Optional.of(ClientOrderId.of(storedKeys[i])),
                  Optional.empty(),
                  Instant.now().truncatedTo(ChronoUnit.MICROS)),
              event(EventIds.next(), OptionalLong.empty(), storedKeys[i]));
    }
  }

  /** The {@code i}-th event of the trail, with an id from {@code ids}. */
  public AuditRecord event(int i, Supplier<String> ids) {
    int position = (i / 2) % POSITIONS;
    return i % 2 == 0
        ? event(ids.get(), OptionalLong.of(positionIds[position]), storedKeys[position])
        : event(ids.get(), OptionalLong.empty(), pendingKeys[position]);
  }

  /** One event about {@code positionId} (or a pending position), correlated by {@code key}. */
  public static AuditRecord event(String eventId, OptionalLong positionId, String key) {
    Map<String, String> payload = new LinkedHashMap<>();
    payload.put("markPrice", "67301.25");
    payload.put("peak", "67420.10");
    payload.put("stop", "67083.00");
    payload.put("reason", "peak moved by 0.12 %");
    return new AuditRecord(
        eventId,
        Instant.now().truncatedTo(ChronoUnit.MICROS),
        Exchange.BINANCE,
        Optional.of(Symbol.of("BTCUSDT")),
        positionId,
        key,
        "TRAILING_STOP_MOVED",
        Severity.INFO,
        payload);
  }

  /** An entry order id as the domain makes them: {@code pko-} and 20 base32 characters. */
  private static String entryOrderId() {
    String base32 = "abcdefghijklmnopqrstuvwxyz234567";
    StringBuilder id = new StringBuilder("pko-");
    for (int i = 0; i < 20; i++) {
      id.append(base32.charAt(ThreadLocalRandom.current().nextInt(base32.length())));
    }
    return id.toString();
  }
}
