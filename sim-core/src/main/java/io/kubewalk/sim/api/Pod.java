package io.kubewalk.sim.api;

import io.kubewalk.sim.net.Ip;
import java.util.List;
import java.util.Map;

/**
 * A pod. {@code nodeName} and {@code podIp} are null until the scheduler and the CNI plugin assign
 * them. {@code owner} is "ReplicaSet/web-5d78c9869d", "Node/controlplane" for static pods, or null.
 */
public record Pod(
    String namespace,
    String name,
    Map<String, String> labels,
    String nodeName,
    Ip podIp,
    boolean hostNetwork,
    List<ContainerPort> ports,
    Phase phase,
    boolean ready,
    boolean terminating,
    String owner,
    List<String> tolerations,
    List<Event> events) {

  /** What {@code kubectl get pods} shows in STATUS. */
  public enum Phase {
    PENDING("Pending"),
    CONTAINER_CREATING("ContainerCreating"),
    RUNNING("Running");

    private final String text;

    Phase(String text) {
      this.text = text;
    }

    public String text() {
      return text;
    }
  }

  public Pod {
    labels = Map.copyOf(labels);
    ports = List.copyOf(ports);
    tolerations = List.copyOf(tolerations);
    events = List.copyOf(events);
  }

  public String key() {
    return namespace + "/" + name;
  }

  public Pod withNode(String node) {
    return new Pod(namespace, name, labels, node, podIp, hostNetwork, ports, phase, ready,
        terminating, owner, tolerations, events);
  }

  public Pod withNetwork(Ip ip, Phase newPhase, boolean isReady, List<Event> newEvents) {
    return new Pod(namespace, name, labels, nodeName, ip, hostNetwork, ports, newPhase, isReady,
        terminating, owner, tolerations, newEvents);
  }
}
