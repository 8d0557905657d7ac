package io.positionkeeper.ports;

import io.positionkeeper.ports.model.StreamEvent;

/** Receives a venue's stream events, one at a time, in the order the venue sent them. */
@FunctionalInterface
public interface StreamListener {

  /** Handles one event; it must not block for long, it runs on the stream's thread. */
  void onEvent(StreamEvent event);
}
