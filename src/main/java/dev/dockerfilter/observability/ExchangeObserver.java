package dev.dockerfilter.observability;

import java.util.List;

/**
 * What the proxy reports about its connections and exchanges. Implementations run on the I/O thread
 * and must not block: the access log and metrics are the two there are.
 */
public interface ExchangeObserver {

  /** A client connected to a listener (given as its URI). */
  default void connectionOpened(String listener) {}

  /** A client connection of that listener closed. */
  default void connectionClosed(String listener) {}

  /** A response without a length started streaming (events, logs, stats, ...). */
  default void streamStarted() {}

  /** A stream that {@link #streamStarted} reported ended, however it ended. */
  default void streamEnded() {}

  /**
   * Something went wrong with the engine; {@code kind} is a reason code such as upstream-closed.
   */
  default void upstreamError(String kind) {}

  /** One exchange ended; called exactly once per exchange, rejected requests included. */
  default void exchangeEnded(AccessEntry entry) {}

  /** Reports to each of {@code observers} in order. */
  static ExchangeObserver all(List<ExchangeObserver> observers) {
    List<ExchangeObserver> copy = List.copyOf(observers);
    return new ExchangeObserver() {
      @Override
      public void connectionOpened(String listener) {
        copy.forEach(o -> o.connectionOpened(listener));
      }

      @Override
      public void connectionClosed(String listener) {
        copy.forEach(o -> o.connectionClosed(listener));
      }

      @Override
      public void streamStarted() {
        copy.forEach(ExchangeObserver::streamStarted);
      }

      @Override
      public void streamEnded() {
        copy.forEach(ExchangeObserver::streamEnded);
      }

      @Override
      public void upstreamError(String kind) {
        copy.forEach(o -> o.upstreamError(kind));
      }

      @Override
      public void exchangeEnded(AccessEntry entry) {
        copy.forEach(o -> o.exchangeEnded(entry));
      }
    };
  }
}
