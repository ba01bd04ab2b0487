package dev.dockerfilter.redact;

/** The engine's answer could not be rewritten, so it must not reach the client. */
public final class RedactionException extends Exception {
  private static final long serialVersionUID = 1L;

  public RedactionException(String message, Throwable cause) {
    super(message, cause);
  }
}
