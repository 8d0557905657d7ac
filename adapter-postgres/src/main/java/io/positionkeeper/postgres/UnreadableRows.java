package io.positionkeeper.postgres;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Told about a stored row the Java model cannot read (a value the schema of an older version
 * accepted, a row written by hand). A bulk read loads every other row and reports this one, so one
 * bad row never stops the rest from loading.
 */
@FunctionalInterface
public interface UnreadableRows {

  /** Reports the row {@code id} of {@code table} and why it cannot be read. */
  void report(String table, long id, String reason);

  /** Logs each unreadable row at ERROR: a person must look at it. */
  static UnreadableRows logging() {
    Logger log = LoggerFactory.getLogger(UnreadableRows.class);
    return (table, id, reason) ->
        log.error("row {} of {} cannot be read and was left out: {}", id, table, reason);
  }
}
