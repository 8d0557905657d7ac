package io.positionkeeper.postgres;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Table;
import org.jooq.exception.DataAccessException;

/**
 * Reads rows in bulk, each one mapped on its own: a row that cannot be converted (a value the
 * driver refuses, such as a {@code NaN} numeric for a {@code BigDecimal}) or that the model refuses
 * is reported and left out, and every other row is returned. The fast path is one query; only when
 * that query fails does it read the rows one by one to find the bad ones. A failure of the database
 * itself (a lost connection) is still thrown.
 */
final class RowReader {
  private RowReader() {}

  static <R extends Record, T> List<T> readAll(
      DSLContext ctx,
      Table<R> table,
      Field<Long> id,
      Condition where,
      Function<R, T> model,
      UnreadableRows report) {
    List<R> rows;
    try {
      rows = ctx.selectFrom(table).where(where).orderBy(id).fetch();
    } catch (DataAccessException e) {
      if (SqlErrors.isConnectionLoss(e)) {
        throw e;
      }
      return oneByOne(ctx, table, id, where, model, report);
    }
    List<T> out = new ArrayList<>(rows.size());
    for (R row : rows) {
      map(table, row.get(id), row, model, report, out);
    }
    return out;
  }

  private static <R extends Record, T> List<T> oneByOne(
      DSLContext ctx,
      Table<R> table,
      Field<Long> id,
      Condition where,
      Function<R, T> model,
      UnreadableRows report) {
    List<Long> ids = ctx.select(id).from(table).where(where).orderBy(id).fetch(id);
    List<T> out = new ArrayList<>(ids.size());
    for (Long key : ids) {
      R row;
      try {
        row = ctx.selectFrom(table).where(id.eq(key)).fetchOne();
      } catch (DataAccessException e) {
        if (SqlErrors.isConnectionLoss(e)) {
          throw e;
        }
        report.report(table.getName(), key, e.getMessage());
        continue;
      }
      if (row != null) {
        map(table, key, row, model, report, out);
      }
    }
    return out;
  }

  private static <R extends Record, T> void map(
      Table<R> table, Long key, R row, Function<R, T> model, UnreadableRows report, List<T> out) {
    try {
      out.add(model.apply(row));
    } catch (RuntimeException e) {
      report.report(table.getName(), key, e.getClass().getSimpleName() + ": " + e.getMessage());
    }
  }
}
