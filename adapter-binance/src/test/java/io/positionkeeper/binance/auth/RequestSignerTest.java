package io.positionkeeper.binance.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class RequestSignerTest {
  // The worked example of Binance's API documentation (HMAC-SHA256 over the query string).
  private static final String DOCS_SECRET =
      "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j";
  private static final String DOCS_PARAMS =
      "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000"
          + "&timestamp=1499827319559";
  private static final String DOCS_SIGNATURE =
      "c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71";

  @Test
  void signsTheDocumentedExample() {
    RequestSigner signer = new RequestSigner(Credentials.of("key", DOCS_SECRET));

    assertThat(signer.sign(DOCS_PARAMS)).isEqualTo(DOCS_SIGNATURE);
  }

  @Test
  void signsTheSameFromManyThreads() throws Exception {
    RequestSigner signer = new RequestSigner(Credentials.of("key", DOCS_SECRET));
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<String>> results = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        results.add(pool.submit(() -> signer.sign(DOCS_PARAMS)));
      }
      for (Future<String> r : results) {
        assertThat(r.get()).isEqualTo(DOCS_SIGNATURE);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aDifferentSecretOrInput_givesADifferentSignature() {
    RequestSigner signer = new RequestSigner(Credentials.of("key", DOCS_SECRET));
    RequestSigner other = new RequestSigner(Credentials.of("key", DOCS_SECRET + "x"));

    assertThat(other.sign(DOCS_PARAMS)).isNotEqualTo(DOCS_SIGNATURE);
    assertThat(signer.sign(DOCS_PARAMS + "&x=1")).isNotEqualTo(DOCS_SIGNATURE);
  }

  @Test
  void toString_showsNoSecret() {
    assertThat(new RequestSigner(Credentials.of("key", DOCS_SECRET)).toString())
        .doesNotContain(DOCS_SECRET);
  }
}
