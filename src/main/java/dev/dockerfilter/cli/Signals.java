package dev.dockerfilter.cli;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an action when the process gets SIGHUP, the usual "reload your configuration" signal.
 *
 * <p>The JDK offers signal handlers only through {@code sun.misc.Signal} (module jdk.unsupported,
 * present in every JDK 17+). It is reached by reflection because javac warns about that internal
 * API on every direct use, and the build treats warnings as errors.
 */
final class Signals {
  private static final Logger LOG = LoggerFactory.getLogger(Signals.class);

  private Signals() {}

  /** Installs {@code action} for SIGHUP; returns false where the JDK offers no way to. */
  static boolean onHangup(Runnable action) {
    try {
      Class<?> signalClass = Class.forName("sun.misc.Signal");
      Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
      Object hangup = signalClass.getConstructor(String.class).newInstance("HUP");
      InvocationHandler invocation = (proxy, method, args) -> handle(method, action, proxy, args);
      Object handler =
          Proxy.newProxyInstance(
              Signals.class.getClassLoader(), new Class<?>[] {handlerClass}, invocation);
      signalClass.getMethod("handle", signalClass, handlerClass).invoke(null, hangup, handler);
      return true;
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.atWarn().setMessage("cannot handle SIGHUP: reload by signal is off").setCause(e).log();
      return false;
    }
  }

  private static Object handle(Method method, Runnable action, Object proxy, Object[] args) {
    switch (method.getName()) {
      case "handle":
        action.run();
        return null;
      case "hashCode":
        return System.identityHashCode(proxy);
      case "equals":
        return proxy == args[0];
      default:
        return "SIGHUP handler";
    }
  }
}
