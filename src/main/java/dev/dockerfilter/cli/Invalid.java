package dev.dockerfilter.cli;

import java.io.PrintWriter;
import picocli.CommandLine.Model.CommandSpec;

/** Reports an invalid configuration on stderr and gives its exit code. */
final class Invalid {
  private Invalid() {}

  static int report(CommandSpec spec, IllegalArgumentException e) {
    PrintWriter err = spec.commandLine().getErr();
    err.println("docker-filter: invalid configuration: " + e.getMessage());
    err.flush();
    return ExitCodes.BAD_CONFIG;
  }
}
