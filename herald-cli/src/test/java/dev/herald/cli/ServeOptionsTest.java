package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A wrong option value stops {@code serve} before it binds anything: exit code 2 and exactly one
 * line on stderr that shows the value and the expected form. Every case also listens on port 0, so
 * a value wrongly accepted starts a hub (and fails on the timeout) instead of taking port 3000.
 */
class ServeOptionsTest {

  static Stream<Arguments> wrongValues() {
    return Stream.of(
        arguments("--listen nope", List.of("--listen", "'nope'", "expected: HOST:PORT")),
        arguments("--listen 127.0.0.1:70000", List.of("'127.0.0.1:70000'", "port from 0 to 65535")),
        arguments("--listen 127.0.0.1:http", List.of("'127.0.0.1:http'", "port from 0 to 65535")),
        arguments(
            "--admin-listen nope", List.of("--admin-listen", "'nope'", "expected: HOST:PORT")),
        arguments(
            "--admin-listen 127.0.0.1:3999 --listen 127.0.0.1:3999",
            List.of("admin-listen: 127.0.0.1:3999 (expected: an address that --listen")),
        arguments("--warm-up 1h", List.of("warm-up: PT1H", "expected: 0 for none, up to PT5M")),
        arguments("--heartbeat 5x", List.of("--heartbeat", "'5x'", "expected: a duration such as")),
        arguments("--heartbeat -1s", List.of("--heartbeat", "'-1s'", "expected: a duration >= 0")),
        arguments("--max-body 0", List.of("--max-body", "'0'", "expected: a size")),
        arguments("--max-body lots", List.of("--max-body", "'lots'", "expected: a size")),
        arguments("--max-body 3GiB", List.of("--max-body", "'3GiB'", "expected: a size")),
        arguments(
            "--jwt-alg XX256 --jwt-key " + HubFixture.SECRET,
            List.of("jwt-alg: XX256", "expected one of: HS256")),
        arguments("--jwt-alg XX256", List.of("jwt-alg: XX256", "expected one of: HS256")),
        arguments("--jwt-alg RS256", List.of("jwt-key: missing (required for RS256)")),
        arguments("--jwt-key short", List.of("jwt-key: 40 bits", "expected: >= 256 bits")),
        arguments(
            "--jwt-alg HS512 --jwt-key " + HubFixture.SECRET,
            List.of("too short for HS512", "expected: >= 512 bits")),
        arguments(
            "--webhook http://127.0.0.1:9/hooks",
            List.of("webhook-secret: missing", "expected: whsec_ followed by base64")),
        arguments(
            "--webhook ftp://127.0.0.1/hooks --webhook-secret whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            List.of("webhook: ftp://127.0.0.1/hooks", "expected: an absolute http://")),
        arguments(
            "--webhook http://127.0.0.1:9/ --webhook-secret whsec_not-base64!",
            List.of("webhook-secret: not base64")),
        arguments(
            "--webhook-subscriber feed --webhook-secret whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            List.of("webhook-subscriber: feed", "expected: NAME=URL")),
        arguments(
            "--webhook-subscriber feed=http://127.0.0.1:9/"
                + " --webhook-secret whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            List.of("webhook-subscriber feed: no topic", "expected: at least one selector")),
        arguments(
            "--redis redis://127.0.0.1:1 --presence-lease 10ms",
            List.of("presence-lease: PT0.01S", "expected: >= 300ms")),
        arguments(
            "--outbox mysql://u@h/db",
            List.of("outbox: mysql://u@h/db: wrong scheme", "postgresql://USER[:PASSWORD]@HOST")),
        arguments(
            "--outbox postgresql://u:secret@h",
            List.of("outbox: postgresql://u:****@h: needs a user, a host and a database")),
        arguments(
            "--outbox postgresql://u@h/db --outbox-table Bad-Name",
            List.of("outbox-table: Bad-Name", "expected: name or schema.name")),
        arguments("--history-size -1", List.of("history-size: -1", "expected: >= 0")),
        arguments("--history-size many", List.of("--history-size", "'many'", "int")),
        arguments("--subscriber-queue 0", List.of("subscriber-queue: 0", "expected: >= 1")),
        arguments("--protocol 09", List.of("--protocol", "'09'", "expected: 07, 08 or both")),
        arguments(
            "--issuer https://localhost",
            List.of("issuer: an entry without '='", "expected: ISSUER=KEYSOURCE")),
        arguments(
            "--issuer https://localhost=short",
            List.of("issuer https://localhost:", "40-bit secret is too short")),
        arguments(
            "--issuer https://localhost=/no/such/issuer.pem",
            List.of("issuer https://localhost:", "not a readable PEM file")),
        arguments(
            "--issuer https://localhost=http://auth.example.com/jwks.json",
            List.of("jwks: http://auth.example.com/jwks.json", "expected: an https:// or file:")),
        arguments(
            "--resource-id /.well-known/mercure",
            List.of("resource-id: /.well-known/mercure", "expected: an absolute URL")),
        arguments(
            "--access-cookie-name a;b",
            List.of("access-cookie-name: a;b", "expected: a cookie name")),
        arguments(
            "--jwt-jwks http://auth.example.com/jwks.json",
            List.of("jwks: http://auth.example.com/jwks.json")),
        arguments(
            "--jwt-jwks https://auth.example.com/jwks.json --jwt-key " + HubFixture.SECRET,
            List.of("jwt-jwks: set with a --jwt-key option")),
        arguments(
            "--auth-callback ftp://app.example.com/auth",
            List.of(
                "auth-callback: ftp://app.example.com/auth",
                "expected: an absolute http:// or https:// URL")),
        arguments(
            "--auth-callback-cookies session",
            List.of("auth-callback-cookies, auth-callback-always: set without --auth-callback")),
        arguments(
            "--auth-callback http://127.0.0.1:9/auth --auth-callback-timeout 0",
            List.of("auth-callback-timeout: PT0S", "expected: > 0")),
        arguments(
            "--transport carrier-pigeon",
            List.of("transport: carrier-pigeon", "expected one of: [auto, io_uring, epoll, nio]")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("wrongValues")
  void wrongValueExitsWithOneLine(String options, List<String> expected) throws Exception {
    List<String> args = new ArrayList<>(List.of("serve", "--listen", "127.0.0.1:0"));
    args.addAll(List.of(options.split(" ")));
    try (Cli cli = new Cli()) {
      int exit = cli.start(args.toArray(String[]::new)).awaitExit();
      assertThat(exit).as(cli.err()).isEqualTo(Main.USAGE_ERROR);
      assertThat(cli.errLines())
          .singleElement()
          .asString()
          .startsWith("serve: ")
          .contains(expected);
      assertThat(cli.out()).isEmpty();
    }
  }
}
