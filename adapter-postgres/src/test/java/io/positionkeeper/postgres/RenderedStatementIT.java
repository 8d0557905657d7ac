package io.positionkeeper.postgres;

import static io.positionkeeper.postgres.schema.Tables.EVENTS;
import static io.positionkeeper.postgres.schema.Tables.POSITIONS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.PositionStatus;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.jooq.JSONB;
import org.jooq.Param;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;

/** A statement rendered once binds its values where the SQL names them, as jOOQ would bind them. */
class RenderedStatementIT {
  private static final Param<PositionSide> SIDE = RenderedStatement.param("side", POSITIONS.SIDE);
  private static final Param<BigDecimal> QUANTITY =
      RenderedStatement.param("quantity", POSITIONS.QUANTITY);
  private static final Param<Instant> OPENED_AT =
      RenderedStatement.param("opened_at", POSITIONS.OPENED_AT);
  private static final Param<String> NOTE = RenderedStatement.param("note", POSITIONS.NOTE);
  private static final Param<JSONB> PAYLOAD = RenderedStatement.param("payload", EVENTS.PAYLOAD);

  private static RenderedStatement statement() {
    return RenderedStatement.of(
        DSL.select(
            SIDE,
            QUANTITY,
            OPENED_AT,
            NOTE,
            PAYLOAD,
            SIDE,
            DSL.inline(PositionStatus.ACTIVE, POSITIONS.STATUS)),
        RenderedStatement.fixedValues().set(NOTE, "fixed note"));
  }

  @Test
  void bindsEachParameterWhereTheSqlNamesIt_convertedAsTheColumnStoresIt() throws Exception {
    Instant opened = Instant.parse("2026-12-05T10:15:30.123456Z");
    RenderedStatement statement = statement();
    try (Connection c = TestDatabase.pool().getConnection();
        PreparedStatement prepared =
            statement.prepare(
                c,
                statement
                    .values()
                    .set(SIDE, PositionSide.SHORT)
                    .set(QUANTITY, null)
                    .set(OPENED_AT, opened)
                    .set(PAYLOAD, JSONB.valueOf("{\"a\": 1}")));
        ResultSet row = prepared.executeQuery()) {
      row.next();
      assertThat(row.getString(1)).isEqualTo("SHORT");
      assertThat(row.getBigDecimal(2)).isNull();
      assertThat(row.getObject(3, OffsetDateTime.class))
          .isEqualTo(OffsetDateTime.ofInstant(opened, ZoneOffset.UTC));
      assertThat(row.getString(4)).isEqualTo("fixed note");
      assertThat(row.getString(5)).isEqualTo("{\"a\": 1}");
      assertThat(row.getString(6)).isEqualTo("SHORT");
      assertThat(row.getString(7)).isEqualTo("ACTIVE");
    }
  }

  @Test
  void aParameterLeftUnset_failsTheRun_ratherThanBindingNull() throws Exception {
    RenderedStatement statement = statement();
    try (Connection c = TestDatabase.pool().getConnection()) {
      assertThatThrownBy(
              () -> statement.prepare(c, statement.values().set(SIDE, PositionSide.LONG)))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("no value set for parameter quantity");
    }
  }

  @Test
  void anUnnamedBindValue_isRefusedWhenRendered() {
    assertThatThrownBy(
            () ->
                RenderedStatement.of(
                    DSL.select(SIDE, DSL.val("unnamed")), RenderedStatement.fixedValues()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("must be a named parameter");
  }
}
