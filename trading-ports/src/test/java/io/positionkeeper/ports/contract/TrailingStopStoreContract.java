package io.positionkeeper.ports.contract;

import static io.positionkeeper.ports.contract.ContractData.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.positionkeeper.ports.RejectedException;
import io.positionkeeper.ports.TrailingStopStore;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.Symbol;
import io.positionkeeper.ports.model.TrailingStatus;
import io.positionkeeper.ports.model.TrailingStopState;
import java.math.BigDecimal;
import java.util.Comparator;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What every {@link TrailingStopStore} promises. */
public abstract class TrailingStopStoreContract {

  protected abstract TrailingStopStore store();

  /** The id of a stored position on {@code symbol} (states reference positions). */
  protected abstract long createPosition(Symbol symbol, PositionSide side);

  /** Closes the stored position {@code id}. */
  protected abstract void closePosition(long id);

  private static TrailingStopState state(
      long positionId, Symbol symbol, TrailingStatus status, int updates) {
    return new TrailingStopState(
        positionId,
        symbol,
        PositionSide.LONG,
        new BigDecimal("100.5"),
        new BigDecimal("101.5075"),
        new BigDecimal("0.5"),
        status,
        new BigDecimal("102.25"),
        status == TrailingStatus.INACTIVE
            ? Optional.empty()
            : Optional.of(new BigDecimal("101.73")),
        updates,
        status == TrailingStatus.INACTIVE ? Optional.empty() : Optional.of(T0),
        Optional.of(T0.plusSeconds(5)),
        new BigDecimal("102.0"),
        T0.plusSeconds(10));
  }

  private static final Comparator<BigDecimal> BY_VALUE = BigDecimal::compareTo;

  @Test
  void save_thenLoadAll_returnsTheSameState() {
    long id = createPosition(Symbol.of("BTCUSDT"), PositionSide.LONG);
    TrailingStopState saved = state(id, Symbol.of("BTCUSDT"), TrailingStatus.ACTIVE, 3);

    store().save(saved);

    assertThat(store().loadAll())
        .singleElement()
        .usingRecursiveComparison()
        .withComparatorForType(BY_VALUE, BigDecimal.class)
        .isEqualTo(saved);
  }

  @Test
  void save_twice_keepsOneRow_withTheNewestState() {
    long id = createPosition(Symbol.of("BTCUSDT"), PositionSide.LONG);
    store().save(state(id, Symbol.of("BTCUSDT"), TrailingStatus.INACTIVE, 0));

    store().save(state(id, Symbol.of("BTCUSDT"), TrailingStatus.ACTIVE, 4));

    assertThat(store().loadAll())
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.status()).isEqualTo(TrailingStatus.ACTIVE);
              assertThat(s.updateCount()).isEqualTo(4);
              assertThat(s.currentStop()).isPresent();
            });
  }

  @Test
  void loadAll_returnsTheStatesOfEveryPosition() {
    long a = createPosition(Symbol.of("BTCUSDT"), PositionSide.LONG);
    long b = createPosition(Symbol.of("ETHUSDT"), PositionSide.LONG);
    long c = createPosition(Symbol.of("SOLUSDT"), PositionSide.LONG);
    store().save(state(a, Symbol.of("BTCUSDT"), TrailingStatus.INACTIVE, 0));
    store().save(state(b, Symbol.of("ETHUSDT"), TrailingStatus.ACTIVE, 1));
    store().save(state(c, Symbol.of("SOLUSDT"), TrailingStatus.TRIGGERED, 9));

    assertThat(store().loadAll())
        .extracting(TrailingStopState::positionId)
        .containsExactlyInAnyOrder(a, b, c);
  }

  @Test
  void delete_removesTheState_andDeletingAnAbsentOneIsNoError() {
    long a = createPosition(Symbol.of("BTCUSDT"), PositionSide.LONG);
    long b = createPosition(Symbol.of("ETHUSDT"), PositionSide.LONG);
    store().save(state(a, Symbol.of("BTCUSDT"), TrailingStatus.ACTIVE, 1));
    store().save(state(b, Symbol.of("ETHUSDT"), TrailingStatus.ACTIVE, 1));

    store().delete(a);
    store().delete(a);

    assertThat(store().loadAll()).extracting(TrailingStopState::positionId).containsExactly(b);
  }

  @Test
  void save_forAClosedPosition_isRejected() {
    long id = createPosition(Symbol.of("BTCUSDT"), PositionSide.LONG);
    closePosition(id);

    assertThatThrownBy(
            () -> store().save(state(id, Symbol.of("BTCUSDT"), TrailingStatus.ACTIVE, 1)))
        .isInstanceOfSatisfying(
            RejectedException.class,
            e -> assertThat(e.code()).isEqualTo("trailing_stop_state_position_open"));
    assertThat(store().loadAll()).isEmpty();
  }

  @Test
  void save_withAnotherSymbolOrSideThanItsPosition_isRejected() {
    long id = createPosition(Symbol.of("BTCUSDT"), PositionSide.SHORT);

    for (TrailingStopState wrong :
        java.util.List.of(
            state(id, Symbol.of("ETHUSDT"), TrailingStatus.ACTIVE, 1),
            state(id, Symbol.of("BTCUSDT"), TrailingStatus.ACTIVE, 1))) {
      assertThatThrownBy(() -> store().save(wrong))
          .isInstanceOfSatisfying(
              RejectedException.class,
              e -> assertThat(e.code()).isEqualTo("trailing_stop_state_matches_position"));
    }
    assertThat(store().loadAll()).isEmpty();
  }
}
