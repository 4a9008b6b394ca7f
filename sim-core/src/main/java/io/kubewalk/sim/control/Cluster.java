package io.kubewalk.sim.control;

import io.kubewalk.sim.api.ClusterConfig;
import io.kubewalk.sim.api.EndpointSlice;
import io.kubewalk.sim.api.ExternalClient;
import io.kubewalk.sim.api.FirewallRule;
import io.kubewalk.sim.api.Node;
import io.kubewalk.sim.api.Pod;
import io.kubewalk.sim.api.Service;
import io.kubewalk.sim.net.Ip;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A cluster after the control plane has done its work: nodes named and addressed, podCIDRs
 * assigned, pods scheduled and given IPs, Services given clusterIPs and nodePorts, EndpointSlices
 * computed. Immutable (a value, as a record would be, with lookups by key); built by {@link
 * ControlPlane#reconcile}.
 */
public final class Cluster {

  private final String name;
  private final String title;
  private final String narrative;
  private final ClusterConfig config;
  private final List<Node> nodes;
  private final List<String> namespaces;
  private final List<Pod> pods;
  private final List<Service> services;
  private final List<EndpointSlice> endpointSlices;
  private final List<ExternalClient> clients;
  private final List<FirewallRule> firewall;
  private final Map<String, NodeNetwork> nodeNetworks;
  private final Map<String, Long> ages;
  private final List<String> notReadyNodes;

  // Lookups by key, built on first use: a cluster at Kubernetes' limits has 150,000 pods.
  private volatile Index index;

  private record Index(Map<String, Node> nodesByName, Map<String, Pod> podsByKey,
      Map<String, List<Pod>> podsByNode, Map<String, Service> servicesByKey,
      Map<String, List<EndpointSlice>> slicesByService, Map<Ip, Node> nodesByIp,
      Map<Ip, Pod> podsByIp, Set<String> notReady) {}

  /**
   * @param ages seconds since creation, per object key {@code Kind/ns/name} (cluster-scoped
   *     objects: {@code Kind/name}), as {@code kubectl get} prints in AGE
   * @param notReadyNodes nodes whose kubelet reports NetworkReady=false (no CNI configuration)
   */
  public Cluster(
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
    this.name = name;
    this.title = title;
    this.narrative = narrative;
    this.config = config;
    this.nodes = List.copyOf(nodes);
    this.namespaces = List.copyOf(namespaces);
    this.pods = List.copyOf(pods);
    this.services = List.copyOf(services);
    this.endpointSlices = List.copyOf(endpointSlices);
    this.clients = List.copyOf(clients);
    this.firewall = List.copyOf(firewall);
    this.nodeNetworks = Collections.unmodifiableMap(new LinkedHashMap<>(nodeNetworks));
    this.ages = Collections.unmodifiableMap(new LinkedHashMap<>(ages));
    this.notReadyNodes = List.copyOf(notReadyNodes);
  }

  public String name() {
    return name;
  }

  public String title() {
    return title;
  }

  public String narrative() {
    return narrative;
  }

  public ClusterConfig config() {
    return config;
  }

  public List<Node> nodes() {
    return nodes;
  }

  public List<String> namespaces() {
    return namespaces;
  }

  public List<Pod> pods() {
    return pods;
  }

  public List<Service> services() {
    return services;
  }

  public List<EndpointSlice> endpointSlices() {
    return endpointSlices;
  }

  public List<ExternalClient> clients() {
    return clients;
  }

  public List<FirewallRule> firewall() {
    return firewall;
  }

  public Map<String, NodeNetwork> nodeNetworks() {
    return nodeNetworks;
  }

  public Map<String, Long> ages() {
    return ages;
  }

  public List<String> notReadyNodes() {
    return notReadyNodes;
  }

  private Index index() {
    Index i = index;
    if (i == null) {
      i = buildIndex();
      index = i;
    }
    return i;
  }

  private Index buildIndex() {
    Map<String, Node> nodesByName = new HashMap<>();
    Map<String, Pod> podsByKey = new HashMap<>();
    Map<String, List<Pod>> podsByNode = new HashMap<>();
    Map<String, Service> servicesByKey = new HashMap<>();
    Map<String, List<EndpointSlice>> slicesByService = new HashMap<>();
    Map<Ip, Node> nodesByIp = new HashMap<>();
    Map<Ip, Pod> podsByIp = new HashMap<>();
    // The first of duplicates wins, as the scans these replace found the first.
    for (Node n : nodes) {
      nodesByName.putIfAbsent(n.name(), n);
      n.addresses().forEach(a -> nodesByIp.putIfAbsent(a.ip(), n));
    }
    for (Pod p : pods) {
      podsByKey.putIfAbsent(p.namespace() + "/" + p.name(), p);
      if (p.nodeName() != null) {
        podsByNode.computeIfAbsent(p.nodeName(), k -> new ArrayList<>()).add(p);
      }
      if (!p.hostNetwork() && p.podIp() != null) {
        podsByIp.putIfAbsent(p.podIp(), p);
      }
    }
    podsByNode.replaceAll((k, v) -> List.copyOf(v));
    for (Service s : services) {
      servicesByKey.putIfAbsent(s.namespace() + "/" + s.name(), s);
    }
    for (EndpointSlice e : endpointSlices) {
      slicesByService.computeIfAbsent(e.namespace() + "/" + e.serviceName(),
          k -> new ArrayList<>()).add(e);
    }
    slicesByService.replaceAll((k, v) -> List.copyOf(v));
    return new Index(nodesByName, podsByKey, podsByNode, servicesByKey, slicesByService,
        nodesByIp, podsByIp, Set.copyOf(notReadyNodes));
  }

  public Optional<Node> node(String nodeName) {
    return Optional.ofNullable(index().nodesByName().get(nodeName));
  }

  public Optional<Pod> pod(String namespace, String podName) {
    return Optional.ofNullable(index().podsByKey().get(namespace + "/" + podName));
  }

  public Optional<Service> service(String namespace, String serviceName) {
    return Optional.ofNullable(index().servicesByKey().get(namespace + "/" + serviceName));
  }

  public List<EndpointSlice> slicesOf(Service s) {
    return index().slicesByService().getOrDefault(s.namespace() + "/" + s.name(), List.of());
  }

  public List<Pod> podsOn(String nodeName) {
    return index().podsByNode().getOrDefault(nodeName, List.of());
  }

  /** The node that owns an address (any of its interface addresses). */
  public Optional<Node> nodeWithIp(Ip ip) {
    return Optional.ofNullable(index().nodesByIp().get(ip));
  }

  /** The pod (not host-network) that owns an address. */
  public Optional<Pod> podWithIp(Ip ip) {
    return Optional.ofNullable(index().podsByIp().get(ip));
  }

  public boolean nodeReady(String nodeName) {
    return !index().notReady().contains(nodeName);
  }

  /** Seconds since the object was created; 0 when unknown. */
  public long age(String key) {
    return ages.getOrDefault(key, 0L);
  }

  public static final Comparator<Pod> POD_ORDER =
      Comparator.comparing(Pod::namespace).thenComparing(Pod::name);

  private List<Object> components() {
    return Arrays.asList(name, title, narrative, config, nodes, namespaces, pods, services,
        endpointSlices, clients, firewall, nodeNetworks, ages, notReadyNodes);
  }

  @Override
  public boolean equals(Object o) {
    return o == this || o instanceof Cluster c && components().equals(c.components());
  }

  @Override
  public int hashCode() {
    return components().hashCode();
  }

  @Override
  public String toString() {
    return "Cluster[name=" + name + ", nodes=" + nodes.size() + ", pods=" + pods.size()
        + ", services=" + services.size() + "]";
  }
}
