package io.positionkeeper.runner.live;

/** A live configuration the runner refuses: names the field, what is wrong and the fix. */
public final class ConfigException extends RuntimeException {
  private final String field;

  public ConfigException(String field, String problem, String fix) {
    super(field + ": " + problem + ". Fix: " + fix);
    this.field = field;
  }

  public String field() {
    return field;
  }
}
