package io.positionkeeper.runner.campaign;

import io.positionkeeper.runner.campaign.RunnerRig.VenueStop;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * What the campaign's invariants read, whatever the venue: the venue's own books (its position, the
 * stops working on it, the orders behind each entry client id), the database, and every output of
 * every incarnation of the runner.
 */
interface CampaignView {
  String symbol();

  BigDecimal positionAmount();

  List<VenueStop> workingStops();

  Map<String, Long> entryOrdersByClientId();

  /** The venue's key and secret and the database password: none may reach an output. */
  List<String> secrets();

  List<Path> outputs();

  boolean runnerAlive();

  String one(String sql);

  long count(String sql);

  void await(String what, Duration within, BooleanSupplier condition) throws InterruptedException;
}
