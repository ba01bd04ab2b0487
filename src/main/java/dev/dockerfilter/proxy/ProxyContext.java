package dev.dockerfilter.proxy;

import dev.dockerfilter.config.ProxyConfig;
import dev.dockerfilter.observability.ExchangeObserver;
import dev.dockerfilter.policy.Policy;
import dev.dockerfilter.transport.UpstreamConnector;

/**
 * What every client connection shares: the policy, the way to the engine, the limits, and the
 * registry of open connections.
 */
record ProxyContext(
    Policy policy,
    UpstreamConnector connector,
    ProxyConfig.Limits limits,
    ProxyConfig.Timeouts timeouts,
    ConnectionRegistry registry,
    UpstreamHealth upstreamHealth,
    ExchangeObserver observer) {}
