package io.kubewalk.sim.control;

import io.kubewalk.sim.api.ClusterConfig;
import io.kubewalk.sim.api.EndpointSlice;
import io.kubewalk.sim.api.ExternalClient;
import io.kubewalk.sim.api.FirewallRule;
import io.kubewalk.sim.api.Node;
import io.kubewalk.sim.api.Pod;
import io.kubewalk.sim.api.Service;
import io.kubewalk.sim.net.Ip;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A cluster after the control plane has done its work: nodes named and addressed, podCIDRs
 * assigned, pods scheduled and given IPs, Services given clusterIPs and nodePorts, EndpointSlices
 * computed. Immutable; built by {@link ControlPlane#reconcile}.
 *
 * @param ages seconds since creation, per object key {@code Kind/ns/name} (cluster-scoped objects:
 *     {@code Kind/name}), as {@code kubectl get} prints in AGE
 * @param notReadyNodes nodes whose kubelet reports NetworkReady=false (no CNI configuration)
 */
public record Cluster(
    String name,
    String title,
    String narrative,
    ClusterConfig config,
    List<Node> nodes,
    List<String> namespaces,
    List<Pod> pods,
    List<Service> services,
    List<EndpointSlice> endpointSlices,
    List<ExternalClient> clients,
    List<FirewallRule> firewall,
    Map<String, NodeNetwork> nodeNetworks,
    Map<String, Long> ages,
    List<String> notReadyNodes) {

  public Cluster {
    nodes = List.copyOf(nodes);
    namespaces = List.copyOf(namespaces);
    pods = List.copyOf(pods);
    services = List.copyOf(services);
    endpointSlices = List.copyOf(endpointSlices);
    clients = List.copyOf(clients);
    firewall = List.copyOf(firewall);
    nodeNetworks = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(nodeNetworks));
    ages = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(ages));
    notReadyNodes = List.copyOf(notReadyNodes);
  }

  public Optional<Node> node(String nodeName) {
    return nodes.stream().filter(n -> n.name().equals(nodeName)).findFirst();
  }

  public Optional<Pod> pod(String namespace, String podName) {
    return pods.stream()
        .filter(p -> p.namespace().equals(namespace) && p.name().equals(podName))
        .findFirst();
  }

  public Optional<Service> service(String namespace, String serviceName) {
    return services.stream()
        .filter(s -> s.namespace().equals(namespace) && s.name().equals(serviceName))
        .findFirst();
  }

  public List<EndpointSlice> slicesOf(Service s) {
    return endpointSlices.stream()
        .filter(e -> e.namespace().equals(s.namespace()) && e.serviceName().equals(s.name()))
        .toList();
  }

  public List<Pod> podsOn(String nodeName) {
    return pods.stream().filter(p -> nodeName.equals(p.nodeName())).toList();
  }

  /** The node that owns an address (any of its interface addresses). */
  public Optional<Node> nodeWithIp(Ip ip) {
    return nodes.stream()
        .filter(n -> n.addresses().stream().anyMatch(a -> a.ip().equals(ip)))
        .findFirst();
  }

  /** The pod (not host-network) that owns an address. */
  public Optional<Pod> podWithIp(Ip ip) {
    return pods.stream().filter(p -> !p.hostNetwork() && ip.equals(p.podIp())).findFirst();
  }

  public boolean nodeReady(String nodeName) {
    return !notReadyNodes.contains(nodeName);
  }

  /** Seconds since the object was created; 0 when unknown. */
  public long age(String key) {
    return ages.getOrDefault(key, 0L);
  }

  public static final Comparator<Pod> POD_ORDER =
      Comparator.comparing(Pod::namespace).thenComparing(Pod::name);
}
