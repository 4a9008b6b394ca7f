package io.kubewalk.sim.api;

import java.util.List;
import java.util.Map;

/**
 * A Deployment or ReplicaSet: the controller-manager expands it into {@code replicas} pods built
 * from the template.
 */
public record Workload(
    String kind,
    String namespace,
    String name,
    int replicas,
    Map<String, String> selector,
    Map<String, String> templateLabels,
    List<ContainerPort> ports,
    String nodeName,
    boolean hostNetwork) {

  public Workload {
    selector = Map.copyOf(selector);
    templateLabels = Map.copyOf(templateLabels);
    ports = List.copyOf(ports);
  }
}
