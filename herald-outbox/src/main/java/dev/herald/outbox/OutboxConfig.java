package dev.herald.outbox;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where the outbox is and how the hub consumes it, validated once. Immutable; safe from any thread.
 *
 * @param jdbcUrl {@code jdbc:postgresql://HOST:PORT/DB}, with the URI's query parameters (sslmode…)
 * @param user the database user
 * @param password its password, or null (trust, peer, a {@code .pgpass} file)
 * @param table the outbox table, {@code name} or {@code schema.name}
 * @param batchSize rows read, published and deleted at once
 * @param pollInterval how long the consumer waits for a notification before it looks anyway, and
 *     how often a standby node tries to become the consumer
 * @param maxDataBytes the largest {@code data} published; a larger row is set aside
 * @param publishTimeout how long the consumer waits for the hub to acknowledge a batch
 */
public record OutboxConfig(
    String jdbcUrl,
    String user,
    String password,
    String table,
    int batchSize,
    Duration pollInterval,
    int maxDataBytes,
    Duration publishTimeout) {

  /** The outbox table's name unless configured: {@code herald_outbox}. */
  public static final String DEFAULT_TABLE = "herald_outbox";

  /** A name or schema.name of plain identifiers: spliced into SQL, so nothing else is accepted. */
  private static final Pattern TABLE =
      Pattern.compile("[a-z_][a-z0-9_]{0,40}(\\.[a-z_][a-z0-9_]{0,40})?");

  public OutboxConfig {
    Objects.requireNonNull(jdbcUrl, "jdbcUrl");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(table, "table");
    checkTable(table);
    if (batchSize < 1 || batchSize > 10_000) {
      throw new IllegalArgumentException(
          "outbox batch size: " + batchSize + " (expected: 1 to 10000)");
    }
    if (pollInterval.isNegative() || pollInterval.isZero()) {
      throw new IllegalArgumentException(
          "outbox poll interval: " + pollInterval + " (expected: > 0)");
    }
    if (maxDataBytes < 1) {
      throw new IllegalArgumentException("outbox max data: " + maxDataBytes + " (expected: >= 1)");
    }
    if (publishTimeout.isNegative() || publishTimeout.isZero()) {
      throw new IllegalArgumentException(
          "outbox publish timeout: " + publishTimeout + " (expected: > 0)");
    }
  }

  /**
   * Returns {@code table} if it is a name or schema.name of plain lower-case identifiers (it is
   * spliced into SQL, so nothing else is accepted).
   *
   * @throws IllegalArgumentException otherwise, naming the expected form
   */
  public static String checkTable(String table) {
    if (table == null || !TABLE.matcher(table).matches()) {
      throw new IllegalArgumentException(
          "outbox-table: "
              + table
              + " (expected: name or schema.name, lower-case letters, digits and _)");
    }
    return table;
  }

  /**
   * Parses {@code postgresql://USER[:PASSWORD]@HOST[:PORT]/DB[?PARAMS]} ({@code postgres://} too).
   *
   * @throws IllegalArgumentException with a one-line reason naming the expected form
   */
  public static OutboxConfig parse(String uri, String table) {
    String expected = " (expected: postgresql://USER[:PASSWORD]@HOST[:PORT]/DB)";
    URI parsed;
    try {
      parsed = new URI(uri);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("outbox: " + masked(uri) + " is not a URI" + expected, e);
    }
    String scheme = parsed.getScheme();
    if (!"postgresql".equals(scheme) && !"postgres".equals(scheme)) {
      throw new IllegalArgumentException("outbox: " + masked(uri) + ": wrong scheme" + expected);
    }
    String host = parsed.getHost();
    String userInfo = parsed.getRawUserInfo();
    String path = parsed.getRawPath();
    if (host == null
        || userInfo == null
        || userInfo.isEmpty()
        || path == null
        || path.length() < 2) {
      throw new IllegalArgumentException(
          "outbox: " + masked(uri) + ": needs a user, a host and a database" + expected);
    }
    String database = path.substring(1);
    if (database.contains("/")) {
      throw new IllegalArgumentException("outbox: " + masked(uri) + ": one database" + expected);
    }
    int colon = userInfo.indexOf(':');
    String user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
    String password = colon < 0 ? null : decode(userInfo.substring(colon + 1));
    int port = parsed.getPort() < 0 ? 5432 : parsed.getPort();
    String hostPart = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    String jdbc =
        "jdbc:postgresql://"
            + hostPart
            + ":"
            + port
            + "/"
            + database
            + (parsed.getRawQuery() == null ? "" : "?" + parsed.getRawQuery());
    return new OutboxConfig(
        jdbc,
        user,
        password,
        table == null || table.isBlank() ? DEFAULT_TABLE : table,
        500,
        Duration.ofMillis(500),
        1024 * 1024,
        Duration.ofSeconds(30));
  }

  private static String decode(String raw) {
    return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  /** The URI with its password hidden, for messages and logs. */
  static String masked(String uri) {
    return uri.replaceFirst("(://[^:/@]*:)[^@]*@", "$1****@");
  }

  public OutboxConfig withBatchSize(int value) {
    return new OutboxConfig(
        jdbcUrl, user, password, table, value, pollInterval, maxDataBytes, publishTimeout);
  }

  public OutboxConfig withPollInterval(Duration value) {
    return new OutboxConfig(
        jdbcUrl, user, password, table, batchSize, value, maxDataBytes, publishTimeout);
  }

  public OutboxConfig withMaxDataBytes(int value) {
    return new OutboxConfig(
        jdbcUrl, user, password, table, batchSize, pollInterval, value, publishTimeout);
  }

  public OutboxConfig withTable(String value) {
    return new OutboxConfig(
        jdbcUrl, user, password, value, batchSize, pollInterval, maxDataBytes, publishTimeout);
  }

  /** One line for a start-up banner and logs, without the password. */
  public String describe() {
    String where = jdbcUrl.substring("jdbc:postgresql://".length());
    int query = where.indexOf('?');
    return "postgresql://"
        + user
        + "@"
        + (query < 0 ? where : where.substring(0, query))
        + ", table "
        + table;
  }

  @Override
  public String toString() {
    return "OutboxConfig[" + describe() + "]"; // never the password
  }
}
