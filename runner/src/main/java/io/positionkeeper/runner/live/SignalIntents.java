package io.positionkeeper.runner.live;

import io.positionkeeper.domain.open.OpenIntent;
import io.positionkeeper.domain.trailing.TrailingParams;
import io.positionkeeper.ports.model.Signal;
import java.util.Optional;

/** A stored signal as the keeper's open intent: the signal id names the intent. */
final class SignalIntents {
  private SignalIntents() {}

  static OpenIntent of(Signal s) {
    String id = String.valueOf(s.id());
    return new OpenIntent(
        s.exchange(),
        s.symbol(),
        s.side(),
        s.size(),
        s.sizeUnit(),
        s.stopLossPercent(),
        new TrailingParams(s.trailingActivationPercent(), s.trailingCallbackPercent()),
        Optional.of(id),
        "signal-" + id);
  }
}
