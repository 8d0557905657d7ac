package io.positionkeeper.domain.keeper;

/**
 * Everything a bot does with a keeper, as one type; each part is an interface of its own so a bot's
 * test can fake only what it uses.
 */
public interface PositionKeeper
    extends PositionOpening, PositionClosing, PositionViews, Reconciling, KeeperLifecycle {}
