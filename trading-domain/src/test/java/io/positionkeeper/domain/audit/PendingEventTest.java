package io.positionkeeper.domain.audit;

import static io.positionkeeper.domain.Harness.DBR;
import static io.positionkeeper.domain.Harness.key;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.positionkeeper.domain.Harness;
import io.positionkeeper.ports.PositionStore;
import io.positionkeeper.ports.TrailingStopStore;
import io.positionkeeper.ports.model.ClientOrderId;
import io.positionkeeper.ports.model.PositionSide;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * In the bot this project replaces (DBRUSDT on Bybit, 2025-10-24), an event about a pre-registered
 * position reached the batch insert with position_id "pending" and the batch failed, losing every
 * event in it.
 *
 * <p>Here that cannot happen by construction. Ports take only {@code long} ids (the store, the
 * trailing store, the journal's {@code AuditRecord}); the domain's {@code PositionId} is sealed
 * into {@code Pending} and {@code Db}, and the only code that turns one into a number is {@link
 * Subject#of}, which matches on {@code Db} and yields no id for {@code Pending}. Writing {@code
 * store.close(pending.id(), ...)} does not compile: there is no conversion from {@code PositionId}
 * to {@code long}. These tests check the runtime half: the event is recorded, without an id and
 * with its correlation key.
 */
class PendingEventTest {
  private final Harness h = new Harness();

  @Test
  void anEventAboutAPendingPosition_isRecordedWithoutAnId_andWithItsCorrelationKey() {
    var pending =
        h.book.preRegister(key(DBR), PositionSide.LONG, ClientOrderId.of("pko-dbrusdt-1"));

    h.keeper
        .audit()
        .record(
            new AuditEvent.EntryOrderFailed(
                Subject.of(pending), "-2019", "Margin is insufficient."));

    assertThat(h.journal.records())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.positionId()).isEmpty();
              assertThat(r.correlationKey()).isEqualTo("pko-dbrusdt-1");
              assertThat(r.type()).isEqualTo("ENTRY_ORDER_FAILED");
              assertThat(r.symbol()).contains(DBR);
            });
  }

  @Test
  void everyPositionIdParameterOfTheStores_isALong() {
    List<Method> methods =
        Arrays.stream(new Class<?>[] {PositionStore.class, TrailingStopStore.class})
            .flatMap(c -> Arrays.stream(c.getMethods()))
            .toList();
    List<Parameter> idParameters =
        methods.stream()
            .flatMap(m -> Arrays.stream(m.getParameters()))
            .filter(
                p ->
                    p.getName().equalsIgnoreCase("id")
                        || p.getName().endsWith("Id") && !p.getName().contains("Client"))
            .toList();

    assertThat(idParameters)
        .isNotEmpty()
        .allSatisfy(p -> assertThat(p.getType()).isEqualTo(long.class));
  }

  @Test
  void anInvalidEvent_isRefusedWhereItIsCreated() {
    var pending =
        h.book.preRegister(key(DBR), PositionSide.LONG, ClientOrderId.of("pko-dbrusdt-1"));

    assertThatThrownBy(() -> new AuditEvent.EntryOrderFailed(Subject.of(pending), "-2019", " "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("reason must not be blank");
  }
}
