package io.positionkeeper.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jooq.Converter;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.JSONB;
import org.jooq.Param;
import org.jooq.Query;
import org.jooq.impl.DSL;

/**
 * A statement built with jOOQ from the schema's typed fields and rendered once, when its store is
 * made; each run binds its values on plain JDBC. Rendering a statement of several {@code WITH}
 * parts costs more CPU than its round trip to a local database, most of all while the code is not
 * hot (a runner opens a few positions an hour, so the writes of an open never are): the writes on
 * the trading path render nothing when they run.
 *
 * <p>Every bind value of the template is a named parameter ({@link #param}); a constant is inlined
 * ({@link DSL#inline}). The values fixed for the statement's life (the account and lease of a
 * store) are given when it is rendered, the others for each run ({@link #values()}); a parameter
 * left unset fails the run rather than binding NULL. Values reach JDBC as jOOQ would bind them:
 * through the field's converter (an enum becomes its text), an instant as an offset date-time in
 * UTC, a JSON document as its text (the statement casts it).
 */
final class RenderedStatement {
  /** A named parameter as {@link DSLContext#renderNamedParams} renders it. */
  private static final Pattern NAMED = Pattern.compile(":([A-Za-z0-9_]+)");

  private final String sql;
  private final List<Param<?>> binds;
  private final Values fixed;

  private RenderedStatement(String sql, List<Param<?>> binds, Values fixed) {
    this.sql = sql;
    this.binds = List.copyOf(binds);
    this.fixed = fixed;
  }

  /** A parameter named {@code name}, typed as {@code column}. */
  static <T> Param<T> param(String name, Field<T> column) {
    return DSL.param(name, column);
  }

  /**
   * Renders {@code template} once; {@code fixed} holds the values that are the same for every run.
   * The parameters are bound in the order the SQL names them.
   */
  static RenderedStatement of(Query template, Values fixed) {
    Objects.requireNonNull(template, "template");
    Objects.requireNonNull(fixed, "fixed");
    DSLContext renderer = Database.renderer();
    String sql = renderer.render(template);
    Map<String, Param<?>> params = template.getParams();
    List<Param<?>> binds = new ArrayList<>();
    Matcher named = NAMED.matcher(renderer.renderNamedParams(template));
    while (named.find()) {
      Param<?> param = params.get(named.group(1));
      if (param == null || param.getParamName() == null) {
        throw new IllegalStateException(
            "every bind value of a rendered statement must be a named parameter (inline the"
                + " constants); found "
                + named.group(0)
                + " in "
                + sql);
      }
      binds.add(param);
    }
    long marks = sql.chars().filter(c -> c == '?').count();
    if (marks != binds.size()) {
      // A '?' or ':' inside a literal would break the pairing: refuse it rather than misbind.
      throw new IllegalStateException(
          "the template renders "
              + marks
              + " bind markers but names "
              + binds.size()
              + " parameters: "
              + sql);
    }
    return new RenderedStatement(sql, binds, new Values(fixed));
  }

  /** Values for {@link #of}: none yet. */
  static Values fixedValues() {
    return new Values();
  }

  /** The values of one run, the fixed ones already set; every other parameter must be set. */
  Values values() {
    return new Values(fixed);
  }

  /** The statement prepared on {@code connection} with {@code values} bound. */
  PreparedStatement prepare(Connection connection, Values values) throws SQLException {
    PreparedStatement statement = connection.prepareStatement(sql);
    try {
      for (int i = 0; i < binds.size(); i++) {
        bind(statement, i + 1, binds.get(i), values);
      }
    } catch (SQLException | RuntimeException e) {
      try {
        statement.close();
      } catch (SQLException closeFailure) {
        e.addSuppressed(closeFailure);
      }
      throw e;
    }
    return statement;
  }

  String sql() {
    return sql;
  }

  private static void bind(PreparedStatement statement, int index, Param<?> param, Values values)
      throws SQLException {
    String name = param.getParamName();
    if (!values.set.containsKey(name)) {
      throw new IllegalStateException("no value set for parameter " + name);
    }
    Object value = values.set.get(name);
    Object database = toDatabase(param, value);
    if (database == null) {
      statement.setNull(index, param.getDataType().getSQLType());
      return;
    }
    statement.setObject(
        index,
        switch (database) {
          case Instant instant -> OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
          case JSONB json -> json.data();
          default -> database;
        });
  }

  @SuppressWarnings("unchecked")
  private static Object toDatabase(Param<?> param, Object value) {
    return value == null ? null : ((Converter<Object, Object>) param.getConverter()).to(value);
  }

  /** The values of one run, by parameter. */
  static final class Values {
    private final Map<String, Object> set;

    private Values() {
      set = new HashMap<>();
    }

    private Values(Values from) {
      set = new HashMap<>(from.set);
    }

    /** Sets {@code param} to {@code value} (null for SQL NULL). */
    <T> Values set(Param<T> param, T value) {
      String name = param.getParamName();
      if (name == null) {
        throw new IllegalArgumentException("only a named parameter can be set");
      }
      set.put(name, value);
      return this;
    }
  }
}
