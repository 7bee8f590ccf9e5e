package dev.featurestore.api.config;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;

/**
 * A port (catalog, object store) that counts what it throws, by operation and exception class, and
 * rethrows it unchanged: every caller is counted, jobs and polls as well as requests, without a
 * hand-written delegate for each of the port's methods. A port that is {@link AutoCloseable} stays
 * so, so that Spring still closes it.
 */
final class FailureCounting implements InvocationHandler {
  private final Object target;
  private final MeterRegistry registry;
  private final String metric;
  private final String description;

  private FailureCounting(
      Object target, MeterRegistry registry, String metric, String description) {
    this.target = target;
    this.registry = registry;
    this.metric = metric;
    this.description = description;
  }

  static <T> T wrap(
      Class<T> port, T target, MeterRegistry registry, String metric, String description) {
    Class<?>[] interfaces =
        target instanceof AutoCloseable
            ? new Class<?>[] {port, AutoCloseable.class}
            : new Class<?>[] {port};
    return port.cast(
        Proxy.newProxyInstance(
            port.getClassLoader(),
            interfaces,
            new FailureCounting(target, registry, metric, description)));
  }

  @Override
  public Object invoke(Object proxy, Method method, Object[] arguments) throws Throwable {
    try {
      return method.invoke(target, arguments);
    } catch (InvocationTargetException e) {
      Throwable failure = e.getCause();
      Counter.builder(metric)
          .description(description)
          .tags("operation", method.getName(), "exception", failure.getClass().getSimpleName())
          .register(registry)
          .increment();
      throw failure;
    }
  }
}
