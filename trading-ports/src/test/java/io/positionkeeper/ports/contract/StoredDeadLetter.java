package io.positionkeeper.ports.contract;

/** A dead letter as a store kept it: the refused record's event id and the reason. */
public record StoredDeadLetter(String eventId, String reason) {}
