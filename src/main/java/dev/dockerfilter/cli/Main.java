package dev.dockerfilter.cli;

import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/** Entry point: {@code java -jar docker-filter.jar [options]}. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The command line with its subcommands and exit codes, as {@code main} runs it. */
  static CommandLine commandLine() {
    CommandLine commandLine = new CommandLine(new RunCommand());
    // Bad usage (an unknown option, a missing argument) is a configuration error, as --help says.
    commandLine.setExitCodeExceptionMapper(
        e -> e instanceof ParameterException ? ExitCodes.BAD_CONFIG : ExitCodes.RUNTIME_FAILURE);
    return commandLine;
  }
}
