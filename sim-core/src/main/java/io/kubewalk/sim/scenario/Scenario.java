package io.kubewalk.sim.scenario;

import io.kubewalk.sim.api.ClusterConfig;
import io.kubewalk.sim.api.EndpointSlice;
import io.kubewalk.sim.api.ExternalClient;
import io.kubewalk.sim.api.FirewallRule;
import io.kubewalk.sim.api.Node;
import io.kubewalk.sim.api.Pod;
import io.kubewalk.sim.api.Service;
import io.kubewalk.sim.api.Workload;
import java.util.List;
import java.util.Map;

/**
 * A cluster as declared: what the YAML said, before the control plane allocates what was left
 * out. Nodes may lack names and addresses, pods their node and IP, Services their clusterIP and
 * nodePorts. {@code locations} maps {@link #key} strings to where each object or field was
 * written, so that allocation conflicts are reported at the right line.
 */
public record Scenario(
    String name,
    String title,
    String narrative,
    ClusterConfig config,
    List<Node> nodes,
    List<String> namespaces,
    List<Pod> pods,
    List<Workload> workloads,
    List<Service> services,
    List<EndpointSlice> endpointSlices,
    List<ExternalClient> clients,
    List<FirewallRule> firewall,
    Map<String, Location> locations,
    List<Expectation> expectations) {

  public Scenario {
    nodes = List.copyOf(nodes);
    namespaces = List.copyOf(namespaces);
    pods = List.copyOf(pods);
    workloads = List.copyOf(workloads);
    services = List.copyOf(services);
    endpointSlices = List.copyOf(endpointSlices);
    clients = List.copyOf(clients);
    firewall = List.copyOf(firewall);
    locations = Map.copyOf(locations);
    expectations = List.copyOf(expectations);
  }

  /**
   * The key of an object ({@code path} empty) or of one of its fields: {@code
   * "Service/default/web#spec.ports[0].nodePort"}, {@code "Node/node01"} (cluster-scoped objects
   * have no namespace part), {@code "Pod/default/app#status.podIP"}.
   */
  public static String key(String kind, String namespace, String name, String path) {
    String obj = kind + "/" + (namespace == null ? "" : namespace + "/") + name;
    return path == null || path.isEmpty() ? obj : obj + "#" + path;
  }

  /** Where a field was written, else where its object starts, else the scenario's first file. */
  public Location locate(String kind, String namespace, String name, String path) {
    Location l = locations.get(key(kind, namespace, name, path));
    if (l == null) {
      l = locations.get(key(kind, namespace, name, null));
    }
    return l != null ? l : Location.of(this.name);
  }
}
