package io.kubewalk.sim.api;

import io.kubewalk.sim.net.Ip;
import io.kubewalk.sim.net.Protocol;
import java.util.List;

/** A discovery.k8s.io/v1 EndpointSlice (IPv4 only). */
public record EndpointSlice(
    String namespace, String name, String serviceName, List<Port> ports, List<Endpoint> endpoints) {

  public EndpointSlice {
    ports = List.copyOf(ports);
    endpoints = List.copyOf(endpoints);
  }

  /** A slice port: {@code name} matches the Service port's name ("" when unnamed). */
  public record Port(String name, Protocol protocol, int port) {}

  /** One endpoint; {@code nodeName} and {@code targetPod} may be null. */
  public record Endpoint(
      Ip address, boolean ready, boolean serving, boolean terminating, String nodeName,
      String targetPod) {}
}
