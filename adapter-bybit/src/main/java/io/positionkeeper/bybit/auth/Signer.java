package io.positionkeeper.bybit.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Bybit v5 signatures, lower-case hex HMAC-SHA256 with the API secret: REST signs {@code timestamp
 * + apiKey + recvWindow + payload} (the query string as sent, or the raw JSON body), the private
 * stream's auth signs {@code "GET/realtime" + expires}. Thread-safe.
 */
public final class Signer {
  private static final String ALGORITHM = "HmacSHA256";
  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

  private final String apiKey;
  private final SecretKeySpec key;
  private final ThreadLocal<Mac> macs;

  public Signer(Credentials credentials) {
    Objects.requireNonNull(credentials, "credentials");
    this.apiKey = credentials.apiKey();
    this.key = new SecretKeySpec(credentials.secret().getBytes(StandardCharsets.UTF_8), ALGORITHM);
    newMac();
    this.macs = ThreadLocal.withInitial(this::newMac);
  }

  /** The API key the signatures belong to. */
  public String apiKey() {
    return apiKey;
  }

  /** The {@code X-BAPI-SIGN} of a request. */
  public String signRest(long timestampMillis, long recvWindowMillis, String payload) {
    Objects.requireNonNull(payload, "payload");
    return hmac(timestampMillis + apiKey + recvWindowMillis + payload);
  }

  /** The signature of the private stream's {@code op:auth} for {@code expires} (ms). */
  public String signStreamAuth(long expiresMillis) {
    return hmac("GET/realtime" + expiresMillis);
  }

  private String hmac(String text) {
    byte[] digest = macs.get().doFinal(text.getBytes(StandardCharsets.UTF_8));
    byte[] out = new byte[digest.length * 2];
    for (int i = 0; i < digest.length; i++) {
      int b = digest[i] & 0xff;
      out[2 * i] = HEX[b >>> 4];
      out[2 * i + 1] = HEX[b & 0x0f];
    }
    return new String(out, StandardCharsets.ISO_8859_1);
  }

  private Mac newMac() {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(key);
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(ALGORITHM + " is not available in this JDK", e);
    }
  }

  @Override
  public String toString() {
    return "Signer[HmacSHA256, key=<redacted>]";
  }
}
