package io.positionkeeper.ports.fake;

import io.positionkeeper.ports.DeadLetterStore;
import io.positionkeeper.ports.model.AuditRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Dead letters in memory. */
public final class InMemoryDeadLetterStore implements DeadLetterStore {

  /** A refused record and why. */
  public record DeadLetter(AuditRecord record, String reason) {}

  /** The operations the fault knobs address. */
  public enum Op {
    DEAD_LETTER
  }

  private final FaultKnobs<Op> faults = new FaultKnobs<>(Op.class);
  private final List<DeadLetter> letters = new ArrayList<>();

  public FaultKnobs<Op> faults() {
    return faults;
  }

  @Override
  public void deadLetter(AuditRecord record, String reason) {
    Objects.requireNonNull(record, "record");
    Objects.requireNonNull(reason, "reason");
    PortExceptionHolder.run(
        faults,
        Op.DEAD_LETTER,
        () -> {
          synchronized (this) {
            letters.add(new DeadLetter(record, reason));
          }
        });
  }

  /** Every dead letter, in order. */
  public synchronized List<DeadLetter> letters() {
    return List.copyOf(letters);
  }
}
