package io.positionkeeper.binance.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class ParamsTest {

  @Test
  void keepsOrder_andWritesDecimalsPlainWithoutTrailingZeros() {
    String q =
        Params.create()
            .add("symbol", "BTCUSDT")
            .add("quantity", new BigDecimal("0.0100"))
            .add("triggerPrice", new BigDecimal("1E+1"))
            .add("limit", 1000)
            .query();

    assertThat(q).isEqualTo("symbol=BTCUSDT&quantity=0.01&triggerPrice=10&limit=1000");
  }

  @Test
  void percentEncodesWhatIsNotUnreserved_spacesAsPercent20_cjkAsUtf8() {
    String q = Params.create().add("a", "x y+z/é").add("symbol", "币安人生USDT").query();

    assertThat(q).isEqualTo("a=x%20y%2Bz%2F%C3%A9&symbol=%E5%B8%81%E5%AE%89%E4%BA%BA%E7%94%9FUSDT");
  }

  @Test
  void clientIdCharacters_travelUnchanged_exceptTheReservedOnes() {
    assertThat(Params.create().add("newClientOrderId", "a.B_c-9:x/y").query())
        .isEqualTo("newClientOrderId=a.B_c-9%3Ax%2Fy");
  }
}
