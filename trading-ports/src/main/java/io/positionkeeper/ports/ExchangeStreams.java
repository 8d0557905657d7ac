package io.positionkeeper.ports;

import io.positionkeeper.ports.model.ConnectionState;
import io.positionkeeper.ports.model.Symbol;
import java.util.Set;

/**
 * A venue's user-data and mark-price streams. After every (re)connect the implementation refreshes
 * its view over REST and then reports {@link ConnectionState#RESYNCED}; until then nothing read
 * from the venue can be trusted to be complete.
 */
public interface ExchangeStreams extends AutoCloseable {

  /** Connects and delivers every event to the listener until {@link #close()}. */
  void start(StreamListener listener);

  /** Replaces the set of symbols whose mark prices are streamed. */
  void watchMarkPrices(Set<Symbol> symbols);

  /** The current state of the connection. */
  ConnectionState connectionState();

  /** Disconnects; no event is delivered afterwards. */
  @Override
  void close();
}
