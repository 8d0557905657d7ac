package io.positionkeeper.ports.fake;

import io.positionkeeper.ports.PortException;

/** Runs a fake's operation between its before-effect and after-effect faults. */
final class PortExceptionHolder {
  private PortExceptionHolder() {}

  static <O extends Enum<O>> void run(FaultKnobs<O> faults, O op, Runnable effect) {
    PortException after = faults.beforeEffect(op);
    effect.run();
    FaultKnobs.afterEffect(after);
  }

  static <O extends Enum<O>, T> T call(
      FaultKnobs<O> faults, O op, java.util.function.Supplier<T> effect) {
    PortException after = faults.beforeEffect(op);
    T result = effect.get();
    FaultKnobs.afterEffect(after);
    return result;
  }
}
