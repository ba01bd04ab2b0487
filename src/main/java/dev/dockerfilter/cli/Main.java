package dev.dockerfilter.cli;

import java.io.PrintWriter;
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
    commandLine.setParameterExceptionHandler(Main::badUsage);
    return commandLine;
  }

  /** One line saying what is wrong and where help is, instead of the whole help text. */
  private static int badUsage(ParameterException e, String[] args) {
    CommandLine command = e.getCommandLine();
    PrintWriter err = command.getErr();
    err.println("docker-filter: " + e.getMessage());
    CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
    err.println("Try '" + command.getCommandSpec().qualifiedName() + " --help' for the options.");
    err.flush();
    return ExitCodes.BAD_CONFIG;
  }
}
