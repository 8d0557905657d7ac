package io.positionkeeper.bybit;

import io.positionkeeper.bybit.emulator.BybitEmulator;
import io.positionkeeper.ports.ExchangeGateway;
import io.positionkeeper.ports.contract.ExchangeGatewayContract;
import io.positionkeeper.ports.contract.VenueDriver;
import io.positionkeeper.ports.model.Symbol;
import java.math.BigDecimal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** The port's contract, run against the real adapter talking to the emulated venue. */
class BybitGatewayContractTest extends ExchangeGatewayContract {
  private BybitEmulator emulator;
  private BybitAdapter adapter;

  @BeforeEach
  void startVenue() {
    emulator = BybitEmulator.start();
    adapter = BybitAdapter.create(emulator.config(), emulator.credentials());
  }

  @AfterEach
  void stopVenue() {
    adapter.close();
    emulator.close();
  }

  @Override
  protected ExchangeGateway gateway() {
    return adapter.gateway();
  }

  @Override
  protected VenueDriver venue() {
    return new VenueDriver() {
      @Override
      public Symbol symbol() {
        return Symbol.of("BTCUSDT");
      }

      @Override
      public BigDecimal startPrice() {
        return new BigDecimal("64000");
      }

      @Override
      public BigDecimal orderQuantity() {
        return new BigDecimal("0.010");
      }

      @Override
      public void setMarkPrice(Symbol symbol, BigDecimal price) {
        emulator.setMarkPrice(symbol, price);
      }
    };
  }
}
