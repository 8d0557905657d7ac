package io.positionkeeper.bybit.parse;

import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.Symbol;
import java.math.BigDecimal;

/** A whole-position stop-loss as a position row shows it ({@code stopLoss} non-zero, Full). */
public record PositionStop(Symbol symbol, PositionSide side, BigDecimal trigger) {}
