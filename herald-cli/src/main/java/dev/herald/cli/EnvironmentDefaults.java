package dev.herald.cli;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Lets every option come from the environment: {@code --history-size} reads {@code
 * HERALD_HISTORY_SIZE}. The Mercure hub's key variables are honoured too, so deployments move over
 * unchanged. With neither, a {@code serve} option takes the default of the record that holds it
 * ({@link ServeDefaults}). Immutable; safe from any thread.
 */
final class EnvironmentDefaults implements IDefaultValueProvider {

  private static final Map<String, List<String>> ALIASES =
      Map.of(
          "--publisher-jwt-key", List.of("MERCURE_PUBLISHER_JWT_KEY"),
          "--subscriber-jwt-key", List.of("MERCURE_SUBSCRIBER_JWT_KEY"),
          "--publisher-jwt-alg", List.of("MERCURE_PUBLISHER_JWT_ALG"),
          "--subscriber-jwt-alg", List.of("MERCURE_SUBSCRIBER_JWT_ALG"));

  private final Map<String, String> environment;

  EnvironmentDefaults(Map<String, String> environment) {
    this.environment = environment;
  }

  static String variableFor(String longName) {
    return "HERALD_" + longName.replaceFirst("^--", "").replace('-', '_').toUpperCase(Locale.ROOT);
  }

  @Override
  public String defaultValue(ArgSpec argSpec) {
    if (!(argSpec instanceof OptionSpec option)) {
      return null;
    }
    String name = option.longestName();
    String value = environment.get(variableFor(name));
    if (value == null) {
      for (String alias : ALIASES.getOrDefault(name, List.of())) {
        value = environment.get(alias);
        if (value != null) {
          break;
        }
      }
    }
    if (value == null) {
      value = option.defaultValue();
    }
    return value != null ? value : ServeDefaults.of(option);
  }
}
