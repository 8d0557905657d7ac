package io.positionkeeper.binance;

import io.positionkeeper.binance.emulator.BinanceEmulator;
import io.positionkeeper.ports.ExchangeGateway;
import io.positionkeeper.ports.contract.ExchangeGatewayContract;
import io.positionkeeper.ports.contract.VenueDriver;
import io.positionkeeper.ports.model.Symbol;
import java.math.BigDecimal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** The port's contract, run against the real adapter talking to the emulated venue. */
class BinanceGatewayContractTest extends ExchangeGatewayContract {
  private BinanceEmulator emulator;
  private BinanceGateway gateway;

  @BeforeEach
  void startVenue() {
    emulator = BinanceEmulator.start();
    gateway = new BinanceGateway(emulator.config(), emulator.credentials());
  }

  @AfterEach
  void stopVenue() {
    gateway.close();
    emulator.close();
  }

  @Override
  protected ExchangeGateway gateway() {
    return gateway;
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
