package dev.dockerfilter.cli;

/** The process's exit codes; {@code --help} lists them. */
final class ExitCodes {
  /** Clean shutdown after SIGTERM or SIGINT. */
  static final int OK = 0;

  /** Failure while running. */
  static final int RUNTIME_FAILURE = 1;

  /** Bad usage or invalid configuration. */
  static final int BAD_CONFIG = 2;

  /** A listener could not be opened. */
  static final int LISTENER_FAILED = 3;

  private ExitCodes() {}
}
