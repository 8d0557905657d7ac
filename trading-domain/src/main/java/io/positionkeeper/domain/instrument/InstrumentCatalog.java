package io.positionkeeper.domain.instrument;

import io.positionkeeper.ports.ExchangeGateway;
import io.positionkeeper.ports.model.Exchange;
import io.positionkeeper.ports.model.InstrumentRules;
import io.positionkeeper.ports.model.Symbol;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The instrument rules of every venue, read once and shared. A mark-price tick only ever reads what
 * is here ({@link #find}); reading a venue ({@link #get}, {@link #loadAll}) is for the paths that
 * may wait on one: opening, reconciliation, start-up, the timer.
 */
public final class InstrumentCatalog {
  private record Key(Exchange exchange, Symbol symbol) {}

  private final Map<Key, Instrument> known = new ConcurrentHashMap<>();

  /** The rules of a symbol if they were read already; never a venue call. */
  public Optional<Instrument> find(Exchange exchange, Symbol symbol) {
    return Optional.ofNullable(known.get(new Key(exchange, symbol)));
  }

  /**
   * The rules of a symbol, read from the venue when they are not known yet.
   *
   * @throws io.positionkeeper.ports.PortException when the venue cannot say
   */
  public Instrument get(ExchangeGateway gateway, Symbol symbol) {
    Key key = new Key(gateway.exchange(), symbol);
    Instrument cached = known.get(key);
    if (cached != null) {
      return cached;
    }
    Instrument fetched = new Instrument(gateway.instrument(symbol));
    known.put(key, fetched);
    return fetched;
  }

  /** Reads every instrument of a venue in one call; returns how many are known for it now. */
  public int loadAll(ExchangeGateway gateway) {
    Exchange exchange = gateway.exchange();
    int count = 0;
    for (InstrumentRules rules : gateway.instruments()) {
      known.put(new Key(exchange, rules.symbol()), new Instrument(rules));
      count++;
    }
    return count;
  }

  /** Keeps rules read elsewhere. */
  public void put(Exchange exchange, Instrument instrument) {
    Objects.requireNonNull(instrument, "instrument");
    known.put(
        new Key(Objects.requireNonNull(exchange, "exchange"), instrument.symbol()), instrument);
  }
}
