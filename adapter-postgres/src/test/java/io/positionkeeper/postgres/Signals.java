package io.positionkeeper.postgres;

import static io.positionkeeper.postgres.schema.Tables.SIGNALS;

import io.positionkeeper.ports.model.Signal;

/** Writes waiting signals as a trader (or a signal generator) would. */
final class Signals {
  private Signals() {}

  /** A signal of the default account, written without naming one (as producers before V8). */
  static void insert(Signal s) {
    TestDatabase.jooq(
        ctx ->
            ctx.insertInto(SIGNALS)
                .set(SIGNALS.ID, s.id())
                .set(SIGNALS.EXCHANGE, s.exchange())
                .set(SIGNALS.SYMBOL, s.symbol().value())
                .set(SIGNALS.SIDE, s.side())
                .set(SIGNALS.SIZE, s.size())
                .set(SIGNALS.SIZE_UNIT, s.sizeUnit())
                .set(SIGNALS.STOP_LOSS_PERCENT, s.stopLossPercent())
                .set(SIGNALS.TRAILING_ACTIVATION_PERCENT, s.trailingActivationPercent())
                .set(SIGNALS.TRAILING_CALLBACK_PERCENT, s.trailingCallbackPercent())
                .set(SIGNALS.CREATED_AT, s.createdAt())
                .execute());
  }

  /** A signal of {@code account}. */
  static void insert(io.positionkeeper.ports.model.AccountId account, Signal s) {
    TestDatabase.jooq(
        ctx ->
            ctx.insertInto(SIGNALS)
                .set(SIGNALS.ACCOUNT, account.value())
                .set(SIGNALS.ID, s.id())
                .set(SIGNALS.EXCHANGE, s.exchange())
                .set(SIGNALS.SYMBOL, s.symbol().value())
                .set(SIGNALS.SIDE, s.side())
                .set(SIGNALS.SIZE, s.size())
                .set(SIGNALS.SIZE_UNIT, s.sizeUnit())
                .set(SIGNALS.STOP_LOSS_PERCENT, s.stopLossPercent())
                .set(SIGNALS.TRAILING_ACTIVATION_PERCENT, s.trailingActivationPercent())
                .set(SIGNALS.TRAILING_CALLBACK_PERCENT, s.trailingCallbackPercent())
                .set(SIGNALS.CREATED_AT, s.createdAt())
                .execute());
  }
}
