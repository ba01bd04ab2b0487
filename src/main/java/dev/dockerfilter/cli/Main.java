package dev.dockerfilter.cli;

import picocli.CommandLine;

/** Entry point: {@code java -jar docker-filter.jar [options]}. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    CommandLine commandLine = new CommandLine(new RunCommand());
    commandLine.setExitCodeExceptionMapper(e -> ExitCodes.RUNTIME_FAILURE);
    System.exit(commandLine.execute(args));
  }
}
