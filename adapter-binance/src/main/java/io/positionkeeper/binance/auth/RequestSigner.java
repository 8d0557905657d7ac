package io.positionkeeper.binance.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs Binance {@code SIGNED} requests: {@code hex(HMAC_SHA256(secret, totalParams))}, where
 * {@code totalParams} is the query string concatenated with the body, exactly as sent. Thread-safe;
 * each thread keeps its own initialised {@link Mac}.
 */
public final class RequestSigner {
  private static final String ALGORITHM = "HmacSHA256";
  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

  private final SecretKeySpec key;
  private final ThreadLocal<Mac> macs;

  public RequestSigner(Credentials credentials) {
    Objects.requireNonNull(credentials, "credentials");
    this.key = new SecretKeySpec(credentials.secret().getBytes(StandardCharsets.UTF_8), ALGORITHM);
    // Fail at construction, not on the first order, when the JDK lacks HMAC-SHA256.
    newMac();
    this.macs = ThreadLocal.withInitial(this::newMac);
  }

  /** The lower-case hex signature of {@code totalParams} (query string + body, as sent). */
  public String sign(String totalParams) {
    Objects.requireNonNull(totalParams, "totalParams");
    Mac mac = macs.get();
    byte[] digest = mac.doFinal(totalParams.getBytes(StandardCharsets.UTF_8));
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
    return "RequestSigner[HmacSHA256, key=<redacted>]";
  }
}
