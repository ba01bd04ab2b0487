package dev.dockerfilter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.dockerfilter.config.Configuration;
import dev.dockerfilter.config.ProxyConfig;
import dev.dockerfilter.config.Setting;
import dev.dockerfilter.config.Sources;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slf4j.LoggerFactory;

class StartupWarningsTest {
  private final ListAppender<ILoggingEvent> events = new ListAppender<>();
  private final Logger logger = (Logger) LoggerFactory.getLogger(RunCommand.class);

  @BeforeEach
  void captureLog() {
    events.start();
    logger.addAppender(events);
  }

  @AfterEach
  void release() {
    logger.detachAppender(events);
  }

  /**
   * One row per socket mode and listeners: the warning's listeners, or "" for none. Connecting to a
   * unix socket takes write permission on it, so the "others" write bit is what opens it to every
   * local user.
   */
  @ParameterizedTest(name = "{0} on {1} -> ''{2}''")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          0777 | unix:///run/a.sock                        | unix:///run/a.sock
          0666 | unix:///run/a.sock,tcp://127.0.0.1:2375   | unix:///run/a.sock
          0662 | unix:///run/a.sock,unix:///run/b.sock     | unix:///run/a.sock,unix:///run/b.sock
          0660 | unix:///run/a.sock                        | ''
          0664 | unix:///run/a.sock                        | ''
          0600 | unix:///run/a.sock                        | ''
          0777 | tcp://127.0.0.1:2375                      | ''
          """)
  void warnsWhenEveryLocalUserMayConnect(String mode, String listen, String warned) {
    ProxyConfig config =
        Configuration.resolve(
                new Sources(
                    Map.of(Setting.SOCKET_MODE, mode, Setting.LISTEN, listen),
                    "",
                    "",
                    false,
                    Map.of()))
            .proxy();

    RunCommand.warnIfSocketsAreOpenToEveryone(config);

    List<ILoggingEvent> warnings =
        events.list.stream().filter(event -> event.getLevel() == Level.WARN).toList();
    if (warned.isEmpty()) {
      assertThat(warnings).isEmpty();
      return;
    }
    assertThat(warnings).hasSize(1);
    ILoggingEvent warning = warnings.get(0);
    assertThat(warning.getFormattedMessage())
        .isEqualTo("socket files open to every local user: any of them can reach the Docker API");
    assertThat(warning.getKeyValuePairs())
        .extracting(pair -> pair.key + "=" + pair.value)
        .containsExactly("socket_mode=" + mode, "listeners=" + warned);
  }
}
