package io.positionkeeper.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The password never shows: not in toString, not in an error, not in a URL. */
class PostgresConfigTest {
  private static final String SECRET = "s3cr3t-Pa55";

  @Test
  void toString_neverShowsThePassword() {
    PostgresConfig config =
        PostgresConfig.of("jdbc:postgresql://db.example:5432/pk", "keeper", SECRET);
    assertThat(config.toString()).doesNotContain(SECRET).contains("password=***");
  }

  @Test
  void aPasswordInTheUrl_isRefused_withoutShowingIt() {
    for (String url :
        new String[] {
          "jdbc:postgresql://db.example/pk?user=keeper&password=" + SECRET,
          "jdbc:postgresql://db.example/pk?PASSWORD=" + SECRET + "&ssl=true",
          "jdbc:postgresql://keeper:" + SECRET + "@db.example/pk",
          "jdbc:postgresql://db.example/pk?sslpassword=" + SECRET,
        }) {
      assertThatThrownBy(() -> PostgresConfig.of(url, "keeper", ""))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("must not hold a password")
          .hasMessageNotContaining(SECRET);
    }
  }

  @Test
  void aUrlOfAnotherDatabase_isRefused_withoutShowingASecretInIt() {
    assertThatThrownBy(
            () -> PostgresConfig.of("jdbc:mysql://h/db?password=" + SECRET, "keeper", SECRET))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining(SECRET);
  }
}
