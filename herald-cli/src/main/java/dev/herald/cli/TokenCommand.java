package dev.herald.cli;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.herald.core.auth.JwtKey;
import dev.herald.core.auth.TokenMinter;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Mints an HMAC-signed Mercure token for development. */
@Command(name = "token", mixinStandardHelpOptions = true,
    description = "Mints a Mercure JWT signed with an HMAC key, for development and tests.")
final class TokenCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--key", required = true, description = "HMAC secret (the hub's --jwt-key).")
  String key;

  @Option(names = "--alg", defaultValue = "HS256", description = "HS256, HS384 or HS512 (default: ${DEFAULT-VALUE}).")
  String alg;

  /** Splits a, b but not the commas of a URI template expression: books{?page,sort}. */
  private static final String SELECTORS = ",(?![^{]*})";

  @Option(names = "--publish", split = SELECTORS, description = "Topic selector the token may publish to; repeatable.")
  List<String> publish;

  @Option(names = "--subscribe", split = SELECTORS, description = "Topic selector whose private updates the token may receive; repeatable.")
  List<String> subscribe;

  @Option(names = "--payload", description = "JSON object for mercure.payload.")
  String payload;

  @Option(names = "--ttl", converter = Converters.DurationConverter.class,
      description = "Lifetime, e.g. 1h (default: no expiry).")
  Duration ttl;

  @Override
  public Integer call() {
    try {
      Object payloadJson = payload == null ? null : JSONObjectUtils.parse(payload);
      String token = TokenMinter.mint(JwtKey.parse(alg, key), publish, subscribe, payloadJson,
          ttl, Clock.systemUTC());
      spec.commandLine().getOut().println(token);
      return 0;
    } catch (ParseException e) {
      // The parser's message ("Invalid JSON object") says less than the value itself.
      spec.commandLine().getErr().println(
          "token: --payload: " + payload + " (expected: a JSON object, e.g. {\"user\":\"alice\"})");
      return Main.USAGE_ERROR;
    } catch (IllegalArgumentException e) {
      spec.commandLine().getErr().println("token: " + e.getMessage());
      return Main.USAGE_ERROR;
    }
  }
}
