package io.positionkeeper.domain.keeper;

/** Starting and stopping a keeper. */
public interface KeeperLifecycle extends AutoCloseable {

  /**
   * Loads the stored positions, restores their trailing stops (no venue call), connects the
   * streams, waits until they are resynced, reconciles, then accepts opens and starts the periodic
   * work.
   */
  StartReport start();

  /**
   * Stops accepting opens and the periodic work, closes the streams and flushes the audit trail;
   * positions stay protected by their stops on the venues.
   */
  void stop();

  @Override
  default void close() {
    stop();
  }
}
