package io.positionkeeper.bybit.parse;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class OrderFillsTest {
  private final OrderFills fills = new OrderFills(16);

  @Test
  void theLastFill_isTheGrowthOfTheCumulativeFill_atItsOwnPrice() {
    assertThat(next("0", "0", "", false)).isEqualTo(OrderFills.Last.NONE);
    OrderFills.Last first = next("0.004", "256", "64000", false);
    assertThat(first.quantity()).isEqualByComparingTo("0.004");
    assertThat(first.price()).isEqualByComparingTo("64000");

    OrderFills.Last second = next("0.010", "640.6", "64060", true);

    assertThat(second.quantity()).isEqualByComparingTo("0.006");
    assertThat(second.price()).isEqualByComparingTo("64100"); // (640.6 - 256) / 0.006
  }

  @Test
  void aRepeatedRow_addsNoFill() {
    next("0.004", "256", "64000", false);

    assertThat(next("0.004", "256", "64000", false)).isEqualTo(OrderFills.Last.NONE);
  }

  @Test
  void anOrderFirstSeenFilled_reportsAllOfIt_atTheAveragePrice() {
    OrderFills.Last all = next("0.010", "", "64000", true);

    assertThat(all.quantity()).isEqualByComparingTo("0.010");
    assertThat(all.price()).isEqualByComparingTo("64000");
  }

  @Test
  void aFinalOrder_isForgotten_soTheMemoryDoesNotGrow() {
    OrderFills small = new OrderFills(2);
    small.next("a", new BigDecimal("1"), new BigDecimal("10"), BigDecimal.TEN, false);
    small.next("b", new BigDecimal("1"), new BigDecimal("10"), BigDecimal.TEN, false);
    small.next("c", new BigDecimal("1"), new BigDecimal("10"), BigDecimal.TEN, false);

    // "a" was the eldest: a later row of it counts from nothing again.
    assertThat(
            small
                .next("a", new BigDecimal("2"), new BigDecimal("20"), BigDecimal.TEN, true)
                .quantity())
        .isEqualByComparingTo("2");
  }

  private OrderFills.Last next(String cumQty, String cumValue, String avg, boolean isFinal) {
    return fills.next(
        "order-1",
        new BigDecimal(cumQty),
        cumValue.isEmpty() ? BigDecimal.ZERO : new BigDecimal(cumValue),
        avg.isEmpty() ? BigDecimal.ZERO : new BigDecimal(avg),
        isFinal);
  }
}
