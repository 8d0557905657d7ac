package io.positionkeeper.ports.model;

/**
 * The state of a venue's streams. Only {@code RESYNCED} means the local view was refreshed from
 * REST after the last (re)connect, so a snapshot taken now can be trusted.
 */
public enum ConnectionState {
  CONNECTING,
  CONNECTED,
  RESYNCED,
  DISCONNECTED
}
