package io.positionkeeper.ports;

import io.positionkeeper.ports.model.Signal;
import io.positionkeeper.ports.model.SignalOutcome;
import java.util.List;

/**
 * Signals waiting to be acted on. A claimed signal is handed to one caller only, even with several
 * runners on one source.
 */
public interface SignalSource {

  /** Claims up to {@code max} unclaimed signals, oldest first. */
  List<Signal> claim(int max);

  /** Records what became of a claimed signal. */
  void complete(long signalId, SignalOutcome outcome, String detail);
}
