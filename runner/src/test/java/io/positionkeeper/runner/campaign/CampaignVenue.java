package io.positionkeeper.runner.campaign;

import java.nio.file.Path;

/** The venues a venue-neutral scenario runs on, each with the rig that emulates it. */
enum CampaignVenue {
  BINANCE {
    @Override
    RunnerRig start(Path home) throws Exception {
      return BinanceVenueRig.start(home);
    }
  },
  BYBIT {
    @Override
    RunnerRig start(Path home) throws Exception {
      return BybitRig.start(home);
    }
  };

  /** Starts the venue's emulator and the database; the runner is started by the scenario. */
  abstract RunnerRig start(Path home) throws Exception;
}
