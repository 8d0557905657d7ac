package io.positionkeeper.domain.trailing;

import static io.positionkeeper.domain.Harness.BTC;
import static io.positionkeeper.domain.Harness.intent;
import static org.assertj.core.api.Assertions.assertThat;

import io.positionkeeper.domain.Harness;
import io.positionkeeper.domain.open.OpenResult;
import io.positionkeeper.ports.ExchangeGateway;
import io.positionkeeper.ports.ForwardingGateway;
import io.positionkeeper.ports.model.ClientOrderId;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.StopLossRequest;
import io.positionkeeper.ports.model.StopOrder;
import io.positionkeeper.ports.model.Symbol;
import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A move in doubt is settled from the venue: the tightest of the position's stops is the one that
 * counts, the others are cancelled. A cancel or a read that throws outside the port's answers (a
 * driver or parse bug) must not lose that: the caller would go on naming a stop that may be gone.
 */
class MoveSettlementTest {
  private final Harness h = new Harness();

  /** The venue, except that cancelling a stop throws a bug after the cancel took effect. */
  private static final class CancelThrows extends ForwardingGateway {
    CancelThrows(ExchangeGateway venue) {
      super(venue);
    }

    @Override
    public void cancelStopLoss(Symbol symbol, ClientOrderId stopClientId) {
      venue().cancelStopLoss(symbol, stopClientId);
      throw new IllegalStateException("the cancel's answer could not be parsed");
    }
  }

  /** The venue, except that reading the open stops throws a bug. */
  private static final class ReadThrows extends ForwardingGateway {
    ReadThrows(ExchangeGateway venue) {
      super(venue);
    }

    @Override
    public List<StopOrder> openStopLosses(Symbol symbol) {
      throw new IllegalStateException("the stop list could not be parsed");
    }
  }

  private record Moved(StopOrder old, StopOrder replacement, ClientOrderId entry, long dbId) {}

  /** An opened LONG whose move placed its replacement while its cancel half failed. */
  private Moved twoStopsAfterAHalfMove() {
    OpenResult.Opened opened =
        (OpenResult.Opened) h.keeper.open(intent(BTC, PositionSide.LONG, "1000", "i-1"));
    StopOrder old = h.exchange.workingStops(BTC).get(0);
    ClientOrderId entry = h.store.loadOpen().get(0).entryClientOrderId().orElseThrow();
    String base = old.clientId().value().substring("pks-".length());
    base = base.substring(0, base.lastIndexOf('-'));
    StopOrder replacement =
        h.exchange.placeStopLoss(
            new StopLossRequest(
                BTC,
                PositionSide.LONG,
                old.triggerPrice().add(new BigDecimal("100")),
                ClientOrderId.of("pkm-" + base + "-x1")));
    return new Moved(old, replacement, entry, opened.positionId());
  }

  @Test
  void aCancelOfTheLooserStopThatThrowsABug_stillReportsTheReplacementThatCounts() {
    Moved m = twoStopsAfterAHalfMove();

    MoveSettlement.Outcome outcome =
        new MoveSettlement(new CancelThrows(h.exchange))
            .settle(m.old(), PositionSide.LONG, m.entry(), m.dbId());

    assertThat(MoveSettlement.replaced(outcome).map(StopOrder::clientId))
        .contains(m.replacement().clientId());
    assertThat(h.exchange.workingStops(BTC))
        .singleElement()
        .satisfies(s -> assertThat(s.clientId()).isEqualTo(m.replacement().clientId()));
  }

  @Test
  void aReadThatThrowsABug_leavesTheMoveInDoubt() {
    Moved m = twoStopsAfterAHalfMove();

    MoveSettlement.Outcome outcome =
        new MoveSettlement(new ReadThrows(h.exchange))
            .settle(m.old(), PositionSide.LONG, m.entry(), m.dbId());

    assertThat(outcome)
        .isInstanceOfSatisfying(
            MoveSettlement.Outcome.Unknown.class,
            u -> assertThat(u.reason()).contains("the stop list could not be parsed"));
  }
}
