package io.positionkeeper.bybit.auth;

import io.positionkeeper.bybit.config.BybitConfig.Network;
import java.util.Map;
import java.util.Objects;

/**
 * An API key and its secret. Neither ever appears in {@link #toString()}, in a log line or in an
 * exception message; the secret is readable only by the {@link Signer} of this package.
 */
public final class Credentials {
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

  /** The keys of {@code network} from the process environment. */
  public static Credentials fromEnvironment(Network network) {
    return fromEnvironment(System.getenv(), network);
  }

  /**
   * The keys of {@code network} from the given environment: {@code BYBIT_API_KEY}/{@code
   * BYBIT_API_SECRET}, {@code BYBIT_TESTNET_API_KEY}/..., {@code BYBIT_DEMO_API_KEY}/...
   */
  public static Credentials fromEnvironment(Map<String, String> env, Network network) {
    String keyVar = keyVariable(network);
    String secretVar = secretVariable(network);
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

  /** The name of the variable holding the API key of {@code network}. */
  public static String keyVariable(Network network) {
    return prefix(network) + "API_KEY";
  }

  /** The name of the variable holding the API secret of {@code network}. */
  public static String secretVariable(Network network) {
    return prefix(network) + "API_SECRET";
  }

  private static String prefix(Network network) {
    return switch (network) {
      case MAINNET -> "BYBIT_";
      case TESTNET -> "BYBIT_TESTNET_";
      case DEMO -> "BYBIT_DEMO_";
    };
  }

  /** The API key, sent in {@code X-BAPI-API-KEY} and in the stream's auth; never log it. */
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
        // Said without the value: echoing it would leak the rest of the token.
        throw new IllegalArgumentException(
            what + " contains a character that is not printable ASCII at index " + i);
      }
    }
    return value;
  }

  @Override
  public String toString() {
    return "Credentials[apiKey=" + mask(apiKey) + ", secret=<redacted>]";
  }

  // Two characters at each end tell keys apart in a log without revealing one.
  private static String mask(String key) {
    return key.length() <= 8
        ? "<redacted>"
        : key.substring(0, 2) + "…" + key.substring(key.length() - 2);
  }
}
