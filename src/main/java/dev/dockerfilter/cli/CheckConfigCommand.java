package dev.dockerfilter.cli;

import dev.dockerfilter.config.Configuration;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code docker-filter check-config}: validates and prints the effective configuration. */
@Command(
    name = "check-config",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    usageHelpWidth = 100,
    description = {
      "Validates the configuration the proxy would start with, and prints it.",
      "The same options and environment give the same configuration. It prints the upstream,",
      "every listener with its per-client rules, and every policy in use with its rules in rule",
      "syntax, each with its id.",
      ""
    },
    footer = {
      "",
      "Exit codes:",
      "  0  the configuration is valid",
      "  2  it is not; the message names the file, line, key and fix"
    })
final class CheckConfigCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @ParentCommand RunCommand run;

  @Override
  public Integer call() {
    Configuration configuration;
    try {
      configuration = Configuration.resolve(run.sources(System.getenv()));
    } catch (IllegalArgumentException e) {
      return Invalid.report(spec, e);
    }

    PrintWriter out = spec.commandLine().getOut();
    out.println("configuration is valid (policies from " + configuration.policySource() + ")");
    out.println("upstream " + configuration.proxy().upstream().uri());
    ConfigurationPrinter printer = new ConfigurationPrinter(out);
    printer.listeners(configuration);
    printer.policies(configuration);
    out.flush();
    return ExitCodes.OK;
  }
}
