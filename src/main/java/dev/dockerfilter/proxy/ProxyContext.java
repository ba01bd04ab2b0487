package dev.dockerfilter.proxy;

import dev.dockerfilter.config.ProxyConfig;
import dev.dockerfilter.observability.ExchangeObserver;
import dev.dockerfilter.transport.UpstreamConnector;

/**
 * What every client connection shares: the way to the engine, the limits, the registry of open
 * connections and the observer.
 */
record ProxyContext(
    UpstreamConnector connector,
    ProxyConfig.Limits limits,
    ProxyConfig.Timeouts timeouts,
    ConnectionRegistry registry,
    UpstreamHealth upstreamHealth,
    ExchangeObserver observer) {}
