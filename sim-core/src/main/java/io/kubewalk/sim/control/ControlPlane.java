package io.kubewalk.sim.control;

import io.kubewalk.sim.api.ClusterConfig;
import io.kubewalk.sim.api.CniConfig;
import io.kubewalk.sim.api.ContainerPort;
import io.kubewalk.sim.api.EndpointSlice;
import io.kubewalk.sim.api.Event;
import io.kubewalk.sim.api.IntOrString;
import io.kubewalk.sim.api.Node;
import io.kubewalk.sim.api.Pod;
import io.kubewalk.sim.api.Service;
import io.kubewalk.sim.api.ServicePort;
import io.kubewalk.sim.api.Taint;
import io.kubewalk.sim.api.Workload;
import io.kubewalk.sim.net.Cidr;
import io.kubewalk.sim.net.IfAddr;
import io.kubewalk.sim.net.Ip;
import io.kubewalk.sim.net.Protocol;
import io.kubewalk.sim.scenario.Problem;
import io.kubewalk.sim.scenario.Scenario;
import io.kubewalk.sim.scenario.ScenarioException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Does what the control plane does to a freshly declared cluster, deterministically: node IPAM
 * (podCIDRs), the system pods of a kubeadm/kind cluster, the Deployment and ReplicaSet
 * controllers, the scheduler, the CNI plugin's IPAM (through the kubelet's CNI ADD), the Service
 * IP and NodePort allocators, and the EndpointSlice controller. Explicit values in the scenario
 * always win; a conflict is a located {@link ScenarioException}.
 */
public final class ControlPlane {

  /** kube-controller-manager's default {@code --max-endpoints-per-slice}. */
  static final int MAX_ENDPOINTS_PER_SLICE = 100;

  /** Seconds between cluster creation and "now", as ages are printed. */
  static final long NOW = 3600;

  private final Scenario sc;
  private final ClusterConfig cfg;
  private final List<Problem> problems = new ArrayList<>();
  private final Map<String, Long> ages = new LinkedHashMap<>();

  private ControlPlane(Scenario sc) {
    this.sc = sc;
    this.cfg = sc.config();
  }

  /** Allocates everything the scenario left out; throws with every conflict found. */
  public static Cluster reconcile(Scenario scenario) {
    return new ControlPlane(scenario).run();
  }

  private Cluster run() {
    List<Node> nodes = allocateNodes();
    Map<String, NodeNetwork> networks = nodeNetworks(nodes);
    List<String> notReady = new ArrayList<>();
    boolean cniConfigured = cfg.cni().plugin() != CniConfig.Plugin.none
        && (cfg.cni().installed() || cfg.cni().plugin() == CniConfig.Plugin.weave);
    if (!cniConfigured) {
      nodes.forEach(n -> notReady.add(n.name()));
    }
    List<Pod> pods = new ArrayList<>();
    pods.addAll(systemPods(nodes));
    for (Workload w : sc.workloads()) {
      pods.addAll(expand(w));
    }
    pods.addAll(sc.pods());
    pods = schedule(pods, nodes, notReady);
    pods = assignAddresses(pods, nodes, networks);
    List<Service> services = allocateServices(nodes);
    List<EndpointSlice> slices = endpointSlices(services, pods, nodes);
    if (!problems.isEmpty()) {
      throw new ScenarioException(problems);
    }
    Set<String> namespaces = new TreeSet<>(List.of("default", "kube-node-lease", "kube-public",
        "kube-system"));
    namespaces.addAll(sc.namespaces());
    pods.forEach(p -> namespaces.add(p.namespace()));
    services.forEach(s -> namespaces.add(s.namespace()));
    for (String ns : namespaces) {
      ages.putIfAbsent("Namespace/" + ns, NOW - 60);
    }
    return new Cluster(sc.name(), sc.title(), sc.narrative(), cfg, nodes,
        List.copyOf(namespaces), pods, services, slices, sc.clients(), sc.firewall(), networks,
        ages, notReady);
  }

  // ---- nodes -------------------------------------------------------------------------------

  private List<Node> allocateNodes() {
    List<Node> declared = sc.nodes();
    boolean kind = "kind".equals(cfg.flavor());
    Set<Ip> taken = new HashSet<>();
    declared.forEach(n -> n.addresses().forEach(a -> taken.add(a.ip())));
    List<Node> out = new ArrayList<>();
    int next = 0;
    boolean anyWorker = declared.stream().anyMatch(n -> !n.isControlPlane());
    for (int i = 0; i < declared.size(); i++) {
      Node n = declared.get(i);
      if (n.addresses().isEmpty()) {
        // kind: the docker network 172.18.0.0/16 (gateway .1, nodes from .2);
        // kubeadm: a lab network 192.168.56.0/24 (gateway .1, nodes from .10).
        Cidr net = kind ? Cidr.parse("172.18.0.0/16") : Cidr.parse("192.168.56.0/24");
        Ip ip;
        do {
          ip = net.address((kind ? 2 : 10) + next++);
        } while (taken.contains(ip));
        taken.add(ip);
        n = n.withAddresses(List.of(new IfAddr(ip, net.prefix())), net.address(1));
      }
      if (kind && !anyWorker && n.isControlPlane()) {
        // kind removes the control-plane taint from a cluster without workers.
        n = new Node(n.name(), n.role(), n.addresses(), n.podCidr(), n.labels(), List.of(),
            n.gateway(), n.mtu());
      }
      out.add(n);
      ages.put("Node/" + n.name(), NOW - (n.isControlPlane() ? 0 : 30L + 10L * i));
    }
    // Node IPAM: the controller-manager's range allocator gives each node the next free
    // /node-cidr-mask-size slice of the cluster CIDR, in the order nodes registered.
    Cidr clusterCidr = cfg.podSubnet();
    // Slices allocated here are distinct slices of one size and never overlap each other: only
    // the podCIDRs the scenario declared need checking.
    List<Cidr> used = out.stream().map(Node::podCidr).filter(c -> c != null).toList();
    long slice = 0;
    long slices = 1L << Math.max(0, cfg.nodeCidrMaskSize() - clusterCidr.prefix());
    for (int i = 0; i < out.size(); i++) {
      Node n = out.get(i);
      if (n.podCidr() != null) {
        continue;
      }
      Cidr c = null;
      while (slice < slices) {
        Cidr candidate = clusterCidr.subnet(cfg.nodeCidrMaskSize(), slice++);
        if (used.stream().noneMatch(u -> u.overlaps(candidate))) {
          c = candidate;
          break;
        }
      }
      if (c == null) {
        problems.add(new Problem(sc.locate("Node", null, n.name(), "podCIDR"),
            "node " + n.name() + " gets no podCIDR: " + clusterCidr + " has only " + slices
                + " /" + cfg.nodeCidrMaskSize() + " slices (expected a larger pod subnet or"
                + " node-cidr-mask-size)"));
        continue;
      }
      out.set(i, n.withPodCidr(c));
    }
    return out;
  }

  private Map<String, NodeNetwork> nodeNetworks(List<Node> nodes) {
    Map<String, NodeNetwork> m = new LinkedHashMap<>();
    CniConfig cni = cfg.cni();
    if (cni.plugin() == CniConfig.Plugin.weave) {
      // Weave's IPAM shares one ipalloc-range between peers: the first peer keeps the start of
      // the ring; each later peer is given the upper part of the remaining space (with two peers
      // node01 starts at 10.244.192.0 of 10.244.0.0/16, as in the seed). The bridge takes the
      // first address of the peer's share, skipping the range's network address.
      Cidr range = cni.ipallocRange() != null ? cni.ipallocRange() : cfg.podSubnet();
      for (int i = 0; i < nodes.size(); i++) {
        long offset = i == 0 ? 0 : range.size() - (range.size() >> (i + 1));
        Ip first = range.address(offset == 0 ? 1 : offset);
        m.put(nodes.get(i).name(), new NodeNetwork(range, first, first));
      }
      return m;
    }
    for (Node n : nodes) {
      if (n.podCidr() == null) {
        continue;
      }
      Ip gw = cni.plugin() == CniConfig.Plugin.calico ? null : n.podCidr().address(1);
      // calico: tunl0 takes the block's first address, pods the next ones.
      Ip first = cni.plugin() == CniConfig.Plugin.calico ? n.podCidr().address(1)
          : n.podCidr().address(2);
      m.put(n.name(), new NodeNetwork(n.podCidr(), first, gw));
    }
    return m;
  }

  // ---- pods --------------------------------------------------------------------------------

  private static Pod pod(String ns, String name, Map<String, String> labels, String node,
      boolean hostNetwork, List<ContainerPort> ports, String owner, List<String> tolerations) {
    return new Pod(ns, name, labels, node, null, hostNetwork, ports, Pod.Phase.RUNNING, true,
        false, owner, tolerations, List.of());
  }

  /** The pods a kubeadm (or kind) cluster runs before the user applies anything. */
  private List<Pod> systemPods(List<Node> nodes) {
    List<Pod> out = new ArrayList<>();
    String ks = "kube-system";
    List<String> all = List.of("*");
    for (Node n : nodes) {
      if (!n.isControlPlane()) {
        continue;
      }
      String node = n.name();
      String owner = "Node/" + node;
      out.add(pod(ks, "etcd-" + node, Map.of("component", "etcd", "tier", "control-plane"),
          node, true, List.of(), owner, all));
      out.add(pod(ks, "kube-apiserver-" + node,
          Map.of("component", "kube-apiserver", "tier", "control-plane"), node, true,
          List.of(new ContainerPort("https", 6443, Protocol.TCP)), owner, all));
      out.add(pod(ks, "kube-controller-manager-" + node,
          Map.of("component", "kube-controller-manager", "tier", "control-plane"), node, true,
          List.of(), owner, all));
      out.add(pod(ks, "kube-scheduler-" + node,
          Map.of("component", "kube-scheduler", "tier", "control-plane"), node, true, List.of(),
          owner, all));
    }
    for (Node n : nodes) {
      out.add(pod(ks, "kube-proxy-" + Names.suffix("kube-proxy/" + n.name(), 5),
          Map.of("k8s-app", "kube-proxy"), n.name(), true, List.of(), "DaemonSet/kube-proxy",
          all));
    }
    CniConfig cni = cfg.cni();
    if (cni.installed()) {
      String ds = switch (cni.plugin()) {
        case flannel -> "kube-flannel/kube-flannel-ds";
        case weave -> "kube-system/weave-net";
        case calico -> "kube-system/calico-node";
        case kindnet -> "kube-system/kindnet";
        case bridge, none -> null;
      };
      if (ds != null) {
        String ns = ds.substring(0, ds.indexOf('/'));
        String name = ds.substring(ds.indexOf('/') + 1);
        for (Node n : nodes) {
          out.add(pod(ns, name + "-" + Names.suffix(ds + "/" + n.name(), 5),
              Map.of(cni.plugin() == CniConfig.Plugin.weave ? "name" : "app", name),
              n.name(), true, List.of(), "DaemonSet/" + name, all));
        }
      }
    }
    // CoreDNS: a Deployment of two replicas created at `kubeadm init`, when only the
    // control-plane node exists; the scheduler places them there (see schedule()).
    String rs = "coredns-" + Names.templateHash("kube-system/coredns");
    for (int i = 0; i < 2; i++) {
      out.add(pod(ks, rs + "-" + Names.suffix(rs + "/" + i, 5), Map.of("k8s-app", "kube-dns"),
          null, false, List.of(new ContainerPort("dns", 53, Protocol.UDP),
              new ContainerPort("dns-tcp", 53, Protocol.TCP),
              new ContainerPort("metrics", 9153, Protocol.TCP)),
          "ReplicaSet/" + rs, List.of(Taint.CONTROL_PLANE.key())));
    }
    for (Pod p : out) {
      long age = p.owner().startsWith("Node/") ? NOW - 20 : NOW - 40;
      ages.put("Pod/" + p.key(), age);
    }
    return out;
  }

  /** The Deployment controller (via a ReplicaSet) and the ReplicaSet controller. */
  private List<Pod> expand(Workload w) {
    String rsName = "Deployment".equals(w.kind())
        ? w.name() + "-" + Names.templateHash(w.namespace() + "/" + w.name() + "/"
            + new java.util.TreeMap<>(w.templateLabels()))
        : w.name();
    // The replicas share one (immutable) labels map and owner.
    Map<String, String> template = new LinkedHashMap<>(w.templateLabels());
    if ("Deployment".equals(w.kind())) {
      template.put("pod-template-hash", rsName.substring(w.name().length() + 1));
    }
    Map<String, String> labels = Map.copyOf(template);
    String owner = "ReplicaSet/" + rsName;
    List<Pod> out = new ArrayList<>(w.replicas());
    for (int i = 0; i < w.replicas(); i++) {
      String name = rsName + "-" + Names.suffix(w.namespace() + "/" + rsName + "/" + i, 5);
      out.add(pod(w.namespace(), name, labels, w.nodeName(), w.hostNetwork(), w.ports(),
          owner, List.of()));
    }
    return out;
  }

  /**
   * The scheduler: an explicit nodeName wins; otherwise the ready, untainted (or tolerated) node
   * with the fewest pods of the same owner (the default topology spread of a workload's
   * replicas), then the fewest pods overall, ties broken by node order.
   */
  private List<Pod> schedule(List<Pod> pods, List<Node> nodes, List<String> notReady) {
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < nodes.size(); i++) {
      index.putIfAbsent(nodes.get(i).name(), i);
    }
    int[] load = new int[nodes.size()];
    for (Pod p : pods) {
      Integer i = p.nodeName() == null ? null : index.get(p.nodeName());
      if (i != null) {
        load[i]++;
      }
    }
    boolean anyControlPlane = nodes.stream().anyMatch(Node::isControlPlane);
    // Ready nodes that schedule alike (same taints, same role) form a class, kept ordered by
    // (load, node order), so that a pod's best node is found without scanning every node.
    Set<String> notReadySet = new HashSet<>(notReady);
    Map<List<Object>, NodeClass> classes = new LinkedHashMap<>();
    NodeClass[] classOf = new NodeClass[nodes.size()];
    for (int i = 0; i < nodes.size(); i++) {
      Node n = nodes.get(i);
      if (notReadySet.contains(n.name())) {
        continue;
      }
      List<String> taints = n.taints().stream().map(Taint::key).toList();
      classOf[i] = classes.computeIfAbsent(List.of(taints, n.isControlPlane()),
          k -> new NodeClass(taints, n.isControlPlane(), load));
      classOf[i].members.add(i);
    }
    Map<String, Map<Integer, Integer>> ownerLoad = new HashMap<>();
    List<Pod> out = new ArrayList<>(pods.size());
    for (Pod p : pods) {
      String key = "Pod/" + p.key();
      ages.putIfAbsent(key, NOW - 120);
      if (p.nodeName() != null) {
        if (!index.containsKey(p.nodeName())) {
          problems.add(new Problem(sc.locate("Pod", p.namespace(), p.name(), "spec.nodeName"),
              "pod " + p.key() + " is bound to unknown node '" + p.nodeName()
                  + "' (expected one of " + String.join(", ", nodes.stream().map(Node::name)
                      .toList()) + ")"));
        }
        out.add(p.owner() == null || p.owner().startsWith("Node/")
            || p.owner().startsWith("DaemonSet/") ? p : withScheduledEvent(p, p.nodeName()));
        continue;
      }
      // CoreDNS is scheduled at `kubeadm init` (and kind's), before any worker has joined.
      boolean beforeWorkersJoin = p.owner() != null && p.owner().startsWith("ReplicaSet/coredns-");
      Map<Integer, Integer> mine = ownerLoad.computeIfAbsent(String.valueOf(p.owner()),
          k -> new HashMap<>());
      int best = -1;
      int bestOwned = 0;
      for (NodeClass c : classes.values()) {
        if (beforeWorkersJoin && !c.controlPlane && anyControlPlane) {
          continue;
        }
        boolean tolerated = c.taints.stream().allMatch(t -> p.tolerations().contains(t)
            || p.tolerations().contains("*"));
        int i = tolerated ? c.best(mine) : -1;
        if (i < 0) {
          continue;
        }
        int owned = mine.getOrDefault(i, 0);
        if (best < 0 || owned < bestOwned || owned == bestOwned
            && (load[i] < load[best] || load[i] == load[best] && i < best)) {
          best = i;
          bestOwned = owned;
        }
      }
      if (best < 0) {
        String why = notReady.isEmpty()
            ? nodes.size() + " node(s) had untolerated taint {"
                + Taint.CONTROL_PLANE.key() + ": }"
            : nodes.size() + " node(s) had untolerated taint {node.kubernetes.io/not-ready: }";
        out.add(new Pod(p.namespace(), p.name(), p.labels(), null, null, p.hostNetwork(),
            p.ports(), Pod.Phase.PENDING, false, p.terminating(), p.owner(), p.tolerations(),
            List.of(new Event("Warning", "FailedScheduling", "default-scheduler",
                "0/" + nodes.size() + " nodes are available: " + why
                    + ". preemption: 0/" + nodes.size() + " nodes are available: "
                    + nodes.size() + " Preemption is not helpful for scheduling."))));
        continue;
      }
      classOf[best].members.remove(best);
      load[best]++;
      classOf[best].members.add(best);
      mine.merge(best, 1, Integer::sum);
      String chosen = nodes.get(best).name();
      out.add(withScheduledEvent(p.withNode(chosen), chosen));
    }
    return out;
  }

  /** Ready nodes with the same taints and role, ordered by (pods on the node, node order). */
  private static final class NodeClass {
    final List<String> taints;
    final boolean controlPlane;
    final TreeSet<Integer> members;

    NodeClass(List<String> taints, boolean controlPlane, int[] load) {
      this.taints = taints;
      this.controlPlane = controlPlane;
      this.members = new TreeSet<>((a, b) -> load[a] != load[b]
          ? Integer.compare(load[a], load[b]) : Integer.compare(a, b));
    }

    /**
     * The member with the fewest pods of the owner ({@code owned}: node to count), then the
     * fewest pods, then first in node order; -1 when the class is empty.
     */
    int best(Map<Integer, Integer> owned) {
      if (members.isEmpty()) {
        return -1;
      }
      int least = 0;
      if (owned.size() >= members.size()) {
        int inClass = 0;
        least = Integer.MAX_VALUE;
        for (Map.Entry<Integer, Integer> e : owned.entrySet()) {
          if (members.contains(e.getKey())) {
            inClass++;
            least = Math.min(least, e.getValue());
          }
        }
        if (inClass < members.size()) {
          least = 0;
        }
      }
      for (int i : members) {
        if (owned.getOrDefault(i, 0) == least) {
          return i;
        }
      }
      return -1;
    }
  }

  private static Pod withScheduledEvent(Pod p, String node) {
    List<Event> ev = new ArrayList<>(p.events());
    ev.add(0, new Event("Normal", "Scheduled", "default-scheduler",
        "Successfully assigned " + p.key() + " to " + node));
    return new Pod(p.namespace(), p.name(), p.labels(), node, p.podIp(), p.hostNetwork(),
        p.ports(), p.phase(), p.ready(), p.terminating(), p.owner(), p.tolerations(), ev);
  }

  /**
   * The kubelet runs each pod's sandbox and calls the CNI plugin (ADD), whose IPAM hands out the
   * address: host-local gives .2, .3, ... of the node's podCIDR (.1 is the bridge); weave hands
   * out addresses from the node's share of the ipalloc-range. Host-network pods use the node IP.
   * Without a working plugin the sandbox fails and the pod stays ContainerCreating.
   */
  private List<Pod> assignAddresses(List<Pod> pods, List<Node> nodes,
      Map<String, NodeNetwork> networks) {
    Map<String, Node> byName = new HashMap<>();
    nodes.forEach(n -> byName.put(n.name(), n));
    Map<Ip, String> usedIps = new HashMap<>();
    for (Pod p : pods) {
      if (p.podIp() != null && !p.hostNetwork()) {
        usedIps.put(p.podIp(), p.key());
      }
    }
    Map<String, Ip> cursor = new HashMap<>();
    List<Pod> out = new ArrayList<>(pods.size());
    CniConfig cni = cfg.cni();
    for (Pod p : pods) {
      if (p.nodeName() == null || !byName.containsKey(p.nodeName())) {
        out.add(p);
        continue;
      }
      Node node = byName.get(p.nodeName());
      if (p.hostNetwork()) {
        out.add(p.withNetwork(node.internalIp(), p.phase(), p.ready(), p.events()));
        continue;
      }
      if (!cni.installed() || cni.plugin() == CniConfig.Plugin.none) {
        out.add(p.withNetwork(null, Pod.Phase.CONTAINER_CREATING, false,
            append(p.events(), sandboxFailure(p))));
        continue;
      }
      NodeNetwork net = networks.get(node.name());
      Ip ip = p.podIp();
      if (ip != null) {
        boolean inRange = net != null && (cni.plugin() == CniConfig.Plugin.weave
            ? net.range().contains(ip) : node.podCidr().contains(ip));
        if (!inRange) {
          problems.add(new Problem(sc.locate("Pod", p.namespace(), p.name(), "status.podIP"),
              "pod " + p.key() + " has IP " + ip + " outside the pod range of node "
                  + node.name() + " (expected an address in "
                  + (net == null ? "its podCIDR" : net.range().toString()) + ")"));
        }
      } else if (net != null) {
        Ip c = cursor.getOrDefault(node.name(), net.first());
        Cidr limit = cni.plugin() == CniConfig.Plugin.weave ? net.range() : node.podCidr();
        while (limit.contains(c) && (usedIps.containsKey(c) || c.equals(net.gateway()))) {
          c = c.plus(1);
        }
        if (!limit.contains(c) || c.equals(limit.broadcast())) {
          problems.add(new Problem(sc.locate("Pod", p.namespace(), p.name(), null),
              "no free pod address left on node " + node.name() + " for pod " + p.key()
                  + " (expected a larger podCIDR)"));
          out.add(p);
          continue;
        }
        ip = c;
        usedIps.put(ip, p.key());
        cursor.put(node.name(), c.plus(1));
      }
      out.add(p.withNetwork(ip, Pod.Phase.RUNNING, p.ready(), p.events()));
    }
    return out;
  }

  private static List<Event> append(List<Event> list, Event e) {
    List<Event> out = new ArrayList<>(list);
    out.add(e);
    return out;
  }

  /** The kubelet's event when the CNI plugin cannot set up the sandbox (the seed's weave case). */
  private Event sandboxFailure(Pod p) {
    String sandbox = String.format(java.util.Locale.ROOT, "%08x%08x%08x%08x%08x%08x%08x%08x",
        Names.fnv32a(p.key()), Names.fnv32a(p.key() + "1"), Names.fnv32a(p.key() + "2"),
        Names.fnv32a(p.key() + "3"), Names.fnv32a(p.key() + "4"), Names.fnv32a(p.key() + "5"),
        Names.fnv32a(p.key() + "6"), Names.fnv32a(p.key() + "7"));
    String cause = switch (cfg.cni().plugin()) {
      case weave -> "plugin type=\"weave-net\" name=\"weave\" failed (add): unable to allocate IP"
          + " address: Post \"http://127.0.0.1:6784/ip/" + sandbox + "\": dial tcp"
          + " 127.0.0.1:6784: connect: connection refused";
      case flannel -> "plugin type=\"flannel\" failed (add): loadFlannelSubnetEnv failed: open"
          + " /run/flannel/subnet.env: no such file or directory";
      default -> "cni plugin not initialized";
    };
    return new Event("Warning", "FailedCreatePodSandBox", "kubelet",
        "Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network"
            + " for sandbox \"" + sandbox + "\": " + cause);
  }

  // ---- services ----------------------------------------------------------------------------

  private List<Service> allocateServices(List<Node> nodes) {
    List<Service> declared = new ArrayList<>();
    declared.add(new Service("default", "kubernetes", Service.Type.ClusterIP,
        cfg.serviceSubnet().address(1), false,
        List.of(new ServicePort("https", Protocol.TCP, 443, IntOrString.of(6443), null)), null,
        Service.TrafficPolicy.Cluster, Service.TrafficPolicy.Cluster, false, 10800, List.of(),
        List.of(), List.of(), null, null, false));
    declared.add(new Service("kube-system", "kube-dns", Service.Type.ClusterIP,
        cfg.serviceSubnet().address(10), false,
        List.of(new ServicePort("dns", Protocol.UDP, 53, IntOrString.of(53), null),
            new ServicePort("dns-tcp", Protocol.TCP, 53, IntOrString.of(53), null),
            new ServicePort("metrics", Protocol.TCP, 9153, IntOrString.of(9153), null)),
        Map.of("k8s-app", "kube-dns"), Service.TrafficPolicy.Cluster,
        Service.TrafficPolicy.Cluster, false, 10800, List.of(), List.of(), List.of(), null, null,
        false));
    ages.put("Service/default/kubernetes", NOW);
    ages.put("Service/kube-system/kube-dns", NOW - 10);
    Map<Ip, String> ips = new HashMap<>();
    Set<Integer> nodePorts = new HashSet<>();
    for (Service s : declared) {
      ips.put(s.clusterIp(), s.key());
    }
    for (Service s : sc.services()) {
      boolean system = (s.key().equals("default/kubernetes") || s.key().equals(
          "kube-system/kube-dns"));
      if (system) {
        problems.add(new Problem(sc.locate("Service", s.namespace(), s.name(), null),
            "Service " + s.key() + " is created by the control plane (expected another name)"));
        continue;
      }
      if (s.clusterIp() != null) {
        String owner = ips.putIfAbsent(s.clusterIp(), s.key());
        if (owner != null) {
          problems.add(new Problem(sc.locate("Service", s.namespace(), s.name(),
              "spec.clusterIP"), "clusterIP " + s.clusterIp() + " is already allocated to Service "
                  + owner + " (expected a free address in " + cfg.serviceSubnet() + ")"));
        }
      }
      for (ServicePort p : s.ports()) {
        if (p.nodePort() != null) {
          nodePorts.add(p.nodePort());
        }
      }
      if (s.healthCheckNodePort() != null) {
        nodePorts.add(s.healthCheckNodePort());
      }
      declared.add(s);
      ages.put("Service/" + s.key(), NOW - 100);
    }
    List<Service> out = new ArrayList<>();
    for (Service s : declared) {
      Ip ip = s.clusterIp();
      if (ip == null && !s.headless() && s.type() != Service.Type.ExternalName) {
        ip = allocateClusterIp(s.key(), ips);
      }
      List<ServicePort> ports = new ArrayList<>();
      for (ServicePort p : s.ports()) {
        if (s.hasNodePorts() && p.nodePort() == null) {
          p = p.withNodePort(allocateNodePort(s.key() + ":" + p.port() + "/" + p.protocol(),
              nodePorts));
        }
        ports.add(p);
      }
      Integer hc = s.healthCheckNodePort();
      if (hc == null && s.type() == Service.Type.LoadBalancer
          && s.externalTrafficPolicy() == Service.TrafficPolicy.Local) {
        hc = allocateNodePort(s.key() + "/healthCheckNodePort", nodePorts);
      }
      out.add(s.withAllocation(ip, ports, hc));
    }
    return out;
  }

  /**
   * The ClusterIP allocator: addresses are picked pseudo-randomly (here: by a hash of the
   * Service's name, so every run agrees) from the dynamic band above the static band that
   * Kubernetes reserves for explicit clusterIPs (min(max(16, size/16), 256) addresses).
   */
  private Ip allocateClusterIp(String key, Map<Ip, String> used) {
    Cidr cidr = cfg.serviceSubnet();
    long size = cidr.size() - 2;
    long staticBand = Math.min(Math.max(16, size / 16), 256);
    long dynamic = size - staticBand;
    long start = Integer.toUnsignedLong(Names.fnv32a(key)) % Math.max(1, dynamic);
    for (long i = 0; i < size; i++) {
      long off = dynamic > 0 ? staticBand + 1 + (start + i) % dynamic : 1 + (start + i) % size;
      Ip ip = cidr.address(off);
      if (!used.containsKey(ip)) {
        used.put(ip, key);
        return ip;
      }
    }
    problems.add(new Problem(sc.locate("Service", null, key, null),
        "the service CIDR " + cidr + " is full (expected a larger serviceSubnet)"));
    return null;
  }

  /** The NodePort allocator: pseudo-random (hashed) within the range, as the real one. */
  private Integer allocateNodePort(String key, Set<Integer> used) {
    int span = cfg.nodePortTo() - cfg.nodePortFrom() + 1;
    int start = (int) (Integer.toUnsignedLong(Names.fnv32a(key)) % span);
    for (int i = 0; i < span; i++) {
      int port = cfg.nodePortFrom() + (start + i) % span;
      if (used.add(port)) {
        return port;
      }
    }
    problems.add(new Problem(sc.locate("Service", null, key, null),
        "the NodePort range " + cfg.nodePortRange() + " is full (expected a larger"
            + " service-node-port-range)"));
    return null;
  }

  // ---- endpoints ---------------------------------------------------------------------------

  /**
   * The EndpointSlice controller: for a Service with a selector, every pod of its namespace whose
   * labels match and that has an IP becomes an endpoint (ready unless not ready or terminating);
   * a named targetPort resolves to the pod's container port of that name. The apiserver itself
   * maintains the {@code kubernetes} Service's endpoints (the control-plane nodes on 6443).
   * Slices given in the scenario (for Services without selector) are kept as they are.
   */
  private List<EndpointSlice> endpointSlices(List<Service> services, List<Pod> pods,
      List<Node> nodes) {
    List<EndpointSlice> out = new ArrayList<>();
    List<EndpointSlice.Endpoint> apiservers = new ArrayList<>();
    for (Node n : nodes) {
      if (n.isControlPlane()) {
        apiservers.add(new EndpointSlice.Endpoint(n.internalIp(), true, true, false, null,
            null));
      }
    }
    out.add(new EndpointSlice("default", "kubernetes", "kubernetes",
        List.of(new EndpointSlice.Port("https", Protocol.TCP, 6443)), apiservers));
    ages.put("EndpointSlice/default/kubernetes", NOW);
    // The pods of each namespace by label (key=value), in pod order.
    Map<String, Map<String, List<Pod>>> byLabel = new HashMap<>();
    for (Pod p : pods) {
      Map<String, List<Pod>> ns = byLabel.computeIfAbsent(p.namespace(), k -> new HashMap<>());
      for (Map.Entry<String, String> l : p.labels().entrySet()) {
        ns.computeIfAbsent(l.getKey() + "\0" + l.getValue(), k -> new ArrayList<>()).add(p);
      }
    }
    for (Service s : services) {
      if (s.selector() == null || s.type() == Service.Type.ExternalName) {
        continue;
      }
      // Group endpoints by their resolved port list, as the controller does.
      Map<List<EndpointSlice.Port>, List<EndpointSlice.Endpoint>> groups = new LinkedHashMap<>();
      for (Pod p : selected(s, byLabel)) {
        if (p.podIp() == null || !p.labels().entrySet().containsAll(s.selector().entrySet())) {
          continue;
        }
        List<EndpointSlice.Port> ports = new ArrayList<>();
        for (ServicePort sp : s.ports()) {
          Integer target = resolveTargetPort(sp, p);
          if (target != null) {
            ports.add(new EndpointSlice.Port(sp.name(), sp.protocol(), target));
          }
        }
        boolean ready = p.ready() && !p.terminating();
        groups.computeIfAbsent(ports, k -> new ArrayList<>()).add(new EndpointSlice.Endpoint(
            p.podIp(), ready || s.publishNotReadyAddresses(), p.ready(), p.terminating(),
            p.nodeName(), p.name()));
      }
      if (groups.isEmpty()) {
        out.add(new EndpointSlice(s.namespace(), s.name() + "-"
            + Names.suffix(s.key() + "/slice", 5), s.name(), List.of(), List.of()));
      }
      int i = 0;
      for (Map.Entry<List<EndpointSlice.Port>, List<EndpointSlice.Endpoint>> g
          : groups.entrySet()) {
        List<EndpointSlice.Endpoint> eps = new ArrayList<>(g.getValue());
        eps.sort(java.util.Comparator.comparing(EndpointSlice.Endpoint::address));
        // The controller's --max-endpoints-per-slice (default 100) caps every slice.
        for (int from = 0; from < eps.size(); from += MAX_ENDPOINTS_PER_SLICE) {
          out.add(new EndpointSlice(s.namespace(), s.name() + "-"
              + Names.suffix(s.key() + "/slice" + (i == 0 ? "" : i), 5), s.name(), g.getKey(),
              eps.subList(from, Math.min(eps.size(), from + MAX_ENDPOINTS_PER_SLICE))));
          i++;
        }
      }
    }
    for (EndpointSlice e : sc.endpointSlices()) {
      out.add(e);
      ages.put("EndpointSlice/" + e.namespace() + "/" + e.name(), NOW - 100);
    }
    for (EndpointSlice e : out) {
      ages.putIfAbsent("EndpointSlice/" + e.namespace() + "/" + e.name(), NOW - 100);
    }
    return out;
  }

  /**
   * The pods of the Service's namespace that carry the rarest of its selector's labels, in pod
   * order: every pod the selector matches is among them. None for an empty selector.
   */
  private static List<Pod> selected(Service s, Map<String, Map<String, List<Pod>>> byLabel) {
    Map<String, List<Pod>> ns = byLabel.getOrDefault(s.namespace(), Map.of());
    List<Pod> fewest = null;
    for (Map.Entry<String, String> l : s.selector().entrySet()) {
      List<Pod> withLabel = ns.getOrDefault(l.getKey() + "\0" + l.getValue(), List.of());
      if (fewest == null || withLabel.size() < fewest.size()) {
        fewest = withLabel;
      }
    }
    return fewest == null ? List.of() : fewest;
  }

  private static Integer resolveTargetPort(ServicePort sp, Pod p) {
    IntOrString t = sp.targetPort() == null ? IntOrString.of(sp.port()) : sp.targetPort();
    if (t.isNumber()) {
      return t.number();
    }
    for (ContainerPort cp : p.ports()) {
      if (t.name().equals(cp.name()) && cp.protocol() == sp.protocol()) {
        return cp.containerPort();
      }
    }
    return null;
  }
}
