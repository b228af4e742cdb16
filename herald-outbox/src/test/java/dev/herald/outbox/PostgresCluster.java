package dev.herald.outbox;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A throwaway PostgreSQL cluster ({@code initdb} + {@code pg_ctl}, Debian's packages) on a random
 * loopback port, run as the {@code postgres} user when the tests run as root. Without PostgreSQL
 * the test is skipped with a message, or fails when {@code -Dherald.postgres.required=true}
 * (scripts/test.sh). Register it per class: {@code @RegisterExtension static final PostgresCluster
 * postgres = new PostgresCluster();}. Used from the test's thread only.
 */
public final class PostgresCluster implements BeforeAllCallback, AfterAllCallback {

  private Path bin;
  private Path dir;
  private Path data;
  private int port;
  private boolean asPostgresUser;

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    bin = binaries();
    asPostgresUser = "root".equals(System.getProperty("user.name"));
    dir = Files.createTempDirectory("herald-pg-");
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    data = dir.resolve("data");
    Files.createDirectories(data);
    if (asPostgresUser) {
      UserPrincipal postgres =
          dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postgres");
      Files.setOwner(dir, postgres);
      Files.setOwner(data, postgres);
    }
    port = freePort();
    run(
        bin.resolve("initdb").toString(),
        "-D",
        data.toString(),
        "-A",
        "trust",
        "-U",
        "postgres",
        "--no-sync",
        "-E",
        "UTF8");
    start();
  }

  /** Debian's binaries (/usr/lib/postgresql/N/bin), the newest version installed. */
  private static Path binaries() throws IOException {
    Path root = Path.of("/usr/lib/postgresql");
    Path found = null;
    if (Files.isDirectory(root)) {
      try (Stream<Path> versions = Files.list(root)) {
        found =
            versions
                .map(version -> version.resolve("bin"))
                .filter(candidate -> Files.isExecutable(candidate.resolve("pg_ctl")))
                .max(Comparator.comparing(Path::toString))
                .orElse(null);
      }
    }
    if (found == null) {
      String message =
          "PostgreSQL is not installed (apt-get install -y postgresql); scripts/test.sh installs it";
      if (Boolean.getBoolean("herald.postgres.required")) {
        Assertions.fail(message);
      }
      Assumptions.abort(message);
    }
    return found;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /** Starts the server (again, after {@link #stopImmediately}) and waits until it accepts. */
  public void start() throws Exception {
    run(
        bin.resolve("pg_ctl").toString(),
        "-D",
        data.toString(),
        "-o",
        "-p "
            + port
            + " -k "
            + dir
            + " -c listen_addresses=127.0.0.1 -c fsync=off"
            + " -c max_connections=50",
        "-l",
        dir.resolve("log").toString(),
        "-w",
        "start");
  }

  /** {@code pg_ctl stop -m immediate}: every session ends at once, as in a crash. */
  public void stopImmediately() throws Exception {
    run(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "immediate", "stop");
  }

  public int port() {
    return port;
  }

  public String uri() {
    return "postgresql://postgres@127.0.0.1:" + port + "/postgres";
  }

  public String jdbcUrl() {
    return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
  }

  public Connection connect() throws SQLException {
    return DriverManager.getConnection(jdbcUrl(), "postgres", "");
  }

  private void run(String... command) throws Exception {
    List<String> full = new ArrayList<>();
    if (asPostgresUser) {
      full.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    full.addAll(List.of(command));
    Path output = Files.createTempFile("herald-pg-cmd-", ".log");
    try {
      Process process =
          new ProcessBuilder(full)
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(output.toFile())
              .start();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(String.join(" ", full) + ": no end within 60 s");
      }
      if (process.exitValue() != 0) {
        throw new IllegalStateException(
            String.join(" ", full) + " failed: " + Files.readString(output));
      }
    } finally {
      Files.deleteIfExists(output);
    }
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    if (dir == null) {
      return;
    }
    try {
      stopImmediately();
    } catch (IllegalStateException alreadyStopped) {
      // a test stopped it and did not start it again
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    }
  }
}
