package io.positionkeeper.domain.open;

import io.positionkeeper.ports.model.OrderReport;
import io.positionkeeper.ports.model.PositionRecord;
import java.util.Optional;

/**
 * One entry order per intent: given what the venue and the store know of an intent's entry order,
 * why the intent may not send it, or empty when it may. The keeper uses {@link #STANDARD}; a test
 * can build a keeper with another guard to show that the simulator catches what this one prevents.
 */
@FunctionalInterface
public interface IntentGuard {
  /**
   * An intent whose entry id the venue already knows, or the store already holds a row for (a retry
   * after a failed opening, a restart), is refused, never reopened on the old order's report.
   */
  IntentGuard STANDARD =
      (intent, sent, stored) ->
          sent.map(
                  order ->
                      "intent "
                          + intent.intentId()
                          + " already sent its entry order "
                          + order.orderId()
                          + " ("
                          + order.status()
                          + "): one entry order per intent; a new intent id opens again")
              .or(
                  () ->
                      stored.map(
                          row ->
                              "intent "
                                  + intent.intentId()
                                  + " is already stored as position "
                                  + row.id()
                                  + ": one entry order per intent"));

  /**
   * @param sent the venue's report of the intent's entry order, when it knows one
   * @param stored the stored row opened by that entry order, when there is one
   */
  Optional<String> refusal(
      OpenIntent intent, Optional<OrderReport> sent, Optional<PositionRecord> stored);
}
