package dev.dockerfilter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dockerfilter.config.Setting;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Model.OptionSpec;

class HelpTest {

  /** The command list shows the first line of each description: it must be a whole sentence. */
  @Test
  void listsEachSubcommandWithACompleteSentence() {
    Commands help = Commands.run("--help");

    List<String> lines = help.out().lines().toList();
    List<String> fromCommands = lines.subList(lines.indexOf("Commands:") + 1, lines.size());
    List<String> commands = fromCommands.subList(0, fromCommands.indexOf(""));
    assertThat(commands)
        .hasSize(4)
        .allSatisfy(
            line ->
                assertThat(line).matches("  [a-z-]+ +[A-Z][^.]*\\.").hasSizeLessThanOrEqualTo(100));
    for (String command : List.of("check-config", "explain", "learn", "healthcheck")) {
      String summary =
          commands.stream()
              .filter(line -> line.startsWith("  " + command + " "))
              .findFirst()
              .orElseThrow()
              .substring(2 + command.length())
              .strip();
      assertThat(Commands.run(command, "--help").out().lines().toList())
          .as("%s --help starts its description with the same sentence", command)
          .contains(summary);
    }
  }

  /** Each option's "Default: …" in --help is the value the proxy really uses. */
  @Test
  void statesEachSettingsRealDefault() {
    for (Setting setting : Setting.values()) {
      OptionSpec option = Main.commandLine().getCommandSpec().findOption("--" + setting.key());
      if (option == null || setting.defaultValue().isEmpty()) {
        continue;
      }
      String description = String.join(" ", option.description());
      if (description.contains("Default: ")) {
        assertThat(description)
            .as("--%s", setting.key())
            .contains("Default: " + setting.defaultValue() + ".");
      }
    }
  }
}
