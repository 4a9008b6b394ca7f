package io.kubewalk.sim.api;

import io.kubewalk.sim.net.Protocol;

/**
 * One port of a Service; {@code name} is "" when unnamed, {@code nodePort} null until allocated (or
 * for ClusterIP).
 */
public record ServicePort(
    String name, Protocol protocol, int port, IntOrString targetPort, Integer nodePort) {

  public ServicePort withNodePort(Integer np) {
    return new ServicePort(name, protocol, port, targetPort, np);
  }
}
