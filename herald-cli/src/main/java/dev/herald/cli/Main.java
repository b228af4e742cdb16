package dev.herald.cli;

import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code java -jar herald.jar [serve|publish|subscribe|token] ...}; no command means serve. */
@Command(
    name = "herald",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = {
      "Herald: a Mercure hub and real-time push server over Server-Sent Events.",
      "No command means serve, e.g. java -jar herald.jar --listen :8080"
    },
    subcommands = {
      ServeCommand.class,
      PublishCommand.class,
      SubscribeCommand.class,
      TokenCommand.class
    })
public final class Main implements Runnable {

  /** Wrong option values exit with this code, after one line that says what was wrong. */
  static final int USAGE_ERROR = 2;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  static int run(String... args) {
    return commandLine(System.getenv()).execute(withDefaultCommand(args));
  }

  /** Running the hub is what most people want from a bare {@code java -jar herald.jar}. */
  static String[] withDefaultCommand(String[] args) {
    if (args.length == 0 || args[0].startsWith("--") && !isTopLevelOption(args[0])) {
      String[] withServe = new String[args.length + 1];
      withServe[0] = "serve";
      System.arraycopy(args, 0, withServe, 1, args.length);
      return withServe;
    }
    return args;
  }

  /** The command tree; options default to the variables of {@code environment}. */
  static CommandLine commandLine(Map<String, String> environment) {
    CommandLine cli = new CommandLine(new Main());
    cli.setDefaultValueProvider(new EnvironmentDefaults(environment));
    // Every command has --version (mixinStandardHelpOptions); without this, theirs print nothing.
    cli.getSubcommands().values().forEach(c -> c.getCommandSpec().versionProvider(new Version()));
    cli.setParameterExceptionHandler(
        (e, args) -> {
          String command = e.getCommandLine().getCommandName();
          e.getCommandLine().getErr().println(command + ": " + e.getMessage() + " (see --help)");
          return USAGE_ERROR;
        });
    return cli;
  }

  private static boolean isTopLevelOption(String arg) {
    return arg.equals("--help") || arg.equals("--version");
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  /** Reads the version Maven wrote into the jar's manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = Main.class.getPackage().getImplementationVersion();
      return new String[] {"herald " + (version == null ? "(development build)" : version)};
    }
  }
}
