package io.positionkeeper.binance.auth;

import java.util.Map;
import java.util.Objects;

/**
 * An API key and its secret. Neither ever appears in {@link #toString()}, in a log line or in an
 * exception message; the secret is readable only by the {@link RequestSigner} of this package.
 */
public final class Credentials {
  /** Environment variables of the production keys. */
  public static final String API_KEY_VAR = "BINANCE_API_KEY";

  public static final String API_SECRET_VAR = "BINANCE_API_SECRET";

  /** Environment variables of the testnet keys. */
  public static final String TESTNET_API_KEY_VAR = "BINANCE_TESTNET_API_KEY";

  public static final String TESTNET_API_SECRET_VAR = "BINANCE_TESTNET_API_SECRET";

  private final String apiKey;
  private final String secret;

  private Credentials(String apiKey, String secret) {
    this.apiKey = requireToken(apiKey, "API key");
    this.secret = requireToken(secret, "API secret");
  }

  /** Credentials from explicit values (tests, a secrets manager). */
  public static Credentials of(String apiKey, String secret) {
    return new Credentials(apiKey, secret);
  }

  /** The production keys from {@code BINANCE_API_KEY}/{@code BINANCE_API_SECRET}. */
  public static Credentials fromEnvironment() {
    return fromEnvironment(System.getenv(), false);
  }

  /** The testnet keys from {@code BINANCE_TESTNET_API_KEY}/{@code BINANCE_TESTNET_API_SECRET}. */
  public static Credentials fromTestnetEnvironment() {
    return fromEnvironment(System.getenv(), true);
  }

  /** The production or testnet keys from the given environment. */
  public static Credentials fromEnvironment(Map<String, String> env, boolean testnet) {
    String keyVar = testnet ? TESTNET_API_KEY_VAR : API_KEY_VAR;
    String secretVar = testnet ? TESTNET_API_SECRET_VAR : API_SECRET_VAR;
    String key = env.get(keyVar);
    String secret = env.get(secretVar);
    if (key == null || key.isBlank()) {
      throw new IllegalStateException("environment variable " + keyVar + " is not set");
    }
    if (secret == null || secret.isBlank()) {
      throw new IllegalStateException("environment variable " + secretVar + " is not set");
    }
    return new Credentials(key.strip(), secret.strip());
  }

  /** The API key, sent in the {@code X-MBX-APIKEY} header; never log it. */
  public String apiKey() {
    return apiKey;
  }

  String secret() {
    return secret;
  }

  private static String requireToken(String value, String what) {
    Objects.requireNonNull(value, what);
    if (value.isBlank()) {
      throw new IllegalArgumentException(what + " must not be blank");
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c <= ' ' || c > '~') {
        // Said without the value: an HTTP header or an HMAC key with such a character is a paste
        // error, and echoing it would leak the rest of the token.
        throw new IllegalArgumentException(
            what + " contains a character that is not printable ASCII at index " + i);
      }
    }
    return value;
  }

  @Override
  public String toString() {
    return "Credentials[apiKey=<redacted>, secret=<redacted>]";
  }
}
