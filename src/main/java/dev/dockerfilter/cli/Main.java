package dev.dockerfilter.cli;

import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/** Entry point: {@code java -jar docker-filter.jar [options]}. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    CommandLine commandLine = new CommandLine(new RunCommand());
    // Bad usage keeps picocli's own code (2, as documented); only failures while running map to 1.
    commandLine.setExitCodeExceptionMapper(
        e -> e instanceof ParameterException ? ExitCodes.BAD_CONFIG : ExitCodes.RUNTIME_FAILURE);
    System.exit(commandLine.execute(args));
  }
}
