package dev.dockerfilter.http;

/**
 * A request that breaks the HTTP/1.1 grammar or our stricter rules. It carries the status to send
 * (400, 413, 414, 431, 501 or 505); the connection is closed after that answer.
 */
public final class MalformedRequestException extends Exception {
  private static final long serialVersionUID = 1L;

  private final int status;

  public MalformedRequestException(int status, String message) {
    super(message);
    if (status < 400 || status > 599) {
      throw new IllegalArgumentException(
          "status out of range: '" + status + "' (expected 4xx/5xx)");
    }
    this.status = status;
  }

  /** The HTTP status to answer with. */
  public int status() {
    return status;
  }
}
