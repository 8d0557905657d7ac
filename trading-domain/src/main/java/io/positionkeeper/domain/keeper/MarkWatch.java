package io.positionkeeper.domain.keeper;

import io.positionkeeper.domain.position.PositionBook;
import io.positionkeeper.ports.ExchangeStreams;
import io.positionkeeper.ports.model.Exchange;
import io.positionkeeper.ports.model.Symbol;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/** Keeps a venue's mark-price subscriptions equal to the symbols the book holds on it. */
final class MarkWatch {
  private final Exchange exchange;
  private final ExchangeStreams streams;
  private final PositionBook book;
  private Set<Symbol> watched = Set.of();

  MarkWatch(Exchange exchange, ExchangeStreams streams, PositionBook book) {
    this.exchange = Objects.requireNonNull(exchange, "exchange");
    this.streams = Objects.requireNonNull(streams, "streams");
    this.book = Objects.requireNonNull(book, "book");
  }

  /** Subscribes to what the book now holds, when that changed. */
  synchronized void refresh() {
    Set<Symbol> wanted =
        book.all().stream()
            .filter(p -> p.key().exchange() == exchange)
            .map(p -> p.key().symbol())
            .collect(Collectors.toUnmodifiableSet());
    if (!wanted.equals(watched)) {
      streams.watchMarkPrices(wanted);
      watched = wanted;
    }
  }
}
