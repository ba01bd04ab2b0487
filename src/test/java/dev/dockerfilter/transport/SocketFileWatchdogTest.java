package dev.dockerfilter.transport;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.dockerfilter.config.Endpoint;
import dev.dockerfilter.config.ProxyConfig;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class SocketFileWatchdogTest {
  @TempDir Path dir;

  private final ListAppender<ILoggingEvent> events = new ListAppender<>();
  private final Logger logger = (Logger) LoggerFactory.getLogger(SocketFileWatchdog.class);
  private EventLoopGroup group;

  @BeforeEach
  void captureLog() {
    events.start();
    logger.addAppender(events);
    group = Transports.detect().newEventLoopGroup(1);
  }

  @AfterEach
  void release() {
    logger.detachAppender(events);
    group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).awaitUninterruptibly();
  }

  @Test
  void warnsOnceWhenTheListeningSocketFileIsDeleted() throws Exception {
    Path socket = dir.resolve("proxy.sock");
    Listener listener = open(socket);
    try {
      Thread.sleep(1500);
      assertThat(warnings()).isEmpty();

      Files.delete(socket);
      awaitWarnings(1);
      Thread.sleep(2500);
      assertThat(warnings()).hasSize(1);
      assertThat(warnings().get(0).getFormattedMessage())
          .contains("listening socket file was deleted or replaced");
    } finally {
      listener.close();
    }
  }

  @Test
  void warnsWhenAnotherFileTakesItsPlace() throws Exception {
    Path socket = dir.resolve("proxy.sock");
    Listener listener = open(socket);
    try {
      Files.delete(socket);
      Files.writeString(socket, "not ours");
      awaitWarnings(1);
    } finally {
      listener.close();
    }
    assertThat(socket).as("close leaves a file it does not own").exists();
  }

  private Listener open(Path socket) throws ListenerException {
    return Listener.open(
        new Endpoint.Unix(socket),
        new ProxyConfig.SocketFile(0600, ""),
        Transports.detect(),
        group,
        new ChannelInboundHandlerAdapter());
  }

  private void awaitWarnings(int count) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (warnings().size() < count && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(warnings()).as("warnings within 5 s").hasSize(count);
  }

  private List<ILoggingEvent> warnings() {
    return events.list.stream()
        .filter(e -> e.getLevel() == ch.qos.logback.classic.Level.WARN)
        .toList();
  }
}
