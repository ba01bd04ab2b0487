package dev.dockerfilter.observability;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import org.slf4j.LoggerFactory;

/**
 * Sends every log line, lifecycle and access alike, to standard output in one format. Access lines
 * are written in batches (see {@link StdoutBuffer}); every other line goes out at once. No thread
 * that serves clients ever waits for standard output: lines it cannot take are dropped and counted.
 */
public final class Logging {
  private Logging() {}

  /**
   * Replaces whatever logging setup is in place.
   *
   * @param level {@code debug}, {@code info}, {@code warn} or {@code error}
   */
  public static void configure(LogFormat format, String level) {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    context.reset();

    LineLayout layout = new LineLayout(format);
    layout.setContext(context);
    layout.start();

    LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
    encoder.setContext(context);
    encoder.setLayout(layout);
    encoder.start();

    StdoutAppender appender = new StdoutAppender();
    appender.setContext(context);
    appender.setName("stdout");
    appender.setEncoder(encoder);
    appender.setImmediateFlush(false);
    appender.setOutputStream(StdoutBuffer.instance());
    appender.start();

    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.toLevel(level, Level.INFO));
    root.addAppender(appender);
    // Netty logs routine connection resets at DEBUG/WARN; they are ours to report, not its.
    context.getLogger("io.netty").setLevel(Level.ERROR);
  }

  /**
   * Writes out whatever lines are still buffered, waiting a second at most; call it before the
   * process halts.
   */
  public static void flush() {
    StdoutBuffer.instance().drain(StdoutBuffer.DRAIN_AT_EXIT);
  }

  /**
   * Buffers access lines, which come one per exchange, and flushes every other line at once, with
   * the access lines before it: lifecycle lines and warnings are never held back.
   */
  private static final class StdoutAppender extends OutputStreamAppender<ILoggingEvent> {
    @Override
    protected void subAppend(ILoggingEvent event) {
      super.subAppend(event);
      if (!AccessLog.LOGGER_NAME.equals(event.getLoggerName())) {
        StdoutBuffer.instance().flush();
      }
    }
  }
}
