package io.positionkeeper.domain.position;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class PositionIdTest {

  @Test
  void twoPendingRegistrations_ofTheSameKey_areNotEqual() {
    var a = PositionId.Pending.register("pko-abc");
    var b = PositionId.Pending.register("pko-abc");

    assertThat(a).isNotEqualTo(b);
    assertThat(a.correlationKey()).isEqualTo(b.correlationKey());
  }

  @Test
  void aDatabaseId_mustBePositive() {
    assertThatThrownBy(() -> new PositionId.Db(0, "pko-abc"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must be > 0");
    assertThatThrownBy(() -> new PositionId.Db(-7, "pko-abc"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void onlyMatchingOnDb_yieldsALong() {
    // No default branch: adding a third kind of id fails to compile here and everywhere ids are
    // matched.
    PositionId[] ids = {PositionId.Pending.register("pko-1"), new PositionId.Db(42, "pko-2")};
    var longs =
        java.util.Arrays.stream(ids)
            .map(
                id ->
                    switch (id) {
                      case PositionId.Db db -> OptionalLong.of(db.value());
                      case PositionId.Pending p -> OptionalLong.empty();
                    })
            .toList();

    assertThat(longs).containsExactly(OptionalLong.empty(), OptionalLong.of(42));
  }
}
