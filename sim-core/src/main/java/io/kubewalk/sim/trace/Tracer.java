package io.kubewalk.sim.trace;

import io.kubewalk.sim.api.ContainerPort;
import io.kubewalk.sim.api.Event;
import io.kubewalk.sim.api.ExternalClient;
import io.kubewalk.sim.api.Node;
import io.kubewalk.sim.api.Pod;
import io.kubewalk.sim.api.Service;
import io.kubewalk.sim.cni.Dataplane;
import io.kubewalk.sim.cni.MasqRule;
import io.kubewalk.sim.control.Cluster;
import io.kubewalk.sim.graph.TopologyGraph;
import io.kubewalk.sim.net.Ip;
import io.kubewalk.sim.net.Packet;
import io.kubewalk.sim.net.Protocol;
import io.kubewalk.sim.net.ns.Link;
import io.kubewalk.sim.net.ns.NetNamespace;
import io.kubewalk.sim.net.ns.RouteLookup;
import io.kubewalk.sim.shell.sockets.NodeProcesses;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Walks one packet through the model, hop by hop: route lookups in each namespace, veth pairs,
 * bridge forwarding, VXLAN and IPIP encapsulation over the node network, decapsulation, and
 * delivery to a listening socket. It never looks up an answer: every step is the model's own
 * decision, recorded with the reason for it.
 */
public final class Tracer {

  private static final int MAX_STEPS = 400;
  private static final String UNDERLAY = "node-network";

  private final Dataplane dp;
  private final Cluster cluster;
  private final TopologyGraph graph;

  public Tracer(Dataplane dp) {
    this.dp = dp;
    this.cluster = dp.cluster();
    this.graph = TopologyGraph.of(dp);
  }

  /** The graph this tracer walks. */
  public TopologyGraph topology() {
    return graph;
  }

  /** Traces from a {@code --from} to a {@code --to}; {@code seed} picks the source port. */
  public Trace trace(Endpoints.From from, Endpoints.To to, long seed) {
    return new Walk(seed).run(from, to);
  }

  /** Why a trace cannot start (unknown names): reported to the user as bad input. */
  public static final class TraceException extends IllegalArgumentException {
    public TraceException(String message) {
      super(message);
    }
  }

  private final class Walk {
    final List<Step> steps = new ArrayList<>();
    final SplittableRandom random;
    boolean masqueraded;

    Walk(long seed) {
      this.random = new SplittableRandom(seed);
    }

    Trace run(Endpoints.From from, Endpoints.To to) {
      Target target = resolveTarget(to);
      if (target.ip == null) {
        return end(Verdict.DROPPED, target.noIpReason, target.hint);
      }
      int sport = 32768 + random.nextInt(28232);
      if (from instanceof Endpoints.From.PodRef p) {
        return fromPod(p, target, sport);
      } else if (from instanceof Endpoints.From.NodeRef n) {
        requireNode(n.name());
        return sendFromHost(dp.node(n.name()), target, sport, "node " + n.name());
      } else if (from instanceof Endpoints.From.ExternalRef e) {
        return fromExternal(e, target, sport);
      }
      return fromIp((Endpoints.From.IpRef) from, target, sport);
    }

    private Trace fromPod(Endpoints.From.PodRef p, Target target, int sport) {
      Pod pod = cluster.pod(p.namespace(), p.name()).orElseThrow(
          () -> new TraceException("no pod " + p.namespace() + "/" + p.name()
              + " in this scenario (see kubectl get pods -A)"));
      if (pod.hostNetwork()) {
        return sendFromHost(dp.node(pod.nodeName()), target, sport, pod.key());
      }
      Optional<NetNamespace> ns = dp.pod(pod);
      if (ns.isEmpty()) {
        return end(Verdict.DROPPED, "pod " + pod.key() + " has no network namespace: it is "
            + pod.phase().text() + " (" + lastEvent(pod) + ")", cniHint());
      }
      return sendFromHost(ns.get(), target, sport, "pod " + pod.key());
    }

    private Trace fromExternal(Endpoints.From.ExternalRef e, Target target, int sport) {
      ExternalClient c = cluster.clients().stream().filter(x -> x.name().equals(e.name()))
          .findFirst().orElseThrow(() -> new TraceException("no external client '" + e.name()
              + "' (the scenario's Topology lists clients: "
              + cluster.clients().stream().map(ExternalClient::name).toList() + ")"));
      Packet pk = Packet.of(c.ip(), sport, target.ip, target.port, target.proto);
      step(UNDERLAY, "external:" + c.name(), "eth0", Step.Kind.SEND, "external client "
          + c.name() + " (" + c.ip() + ") sends to " + target.ip + ":" + target.port
          + " across the node network", null, pk);
      return underlay(pk, target.ip, target);
    }

    private Trace fromIp(Endpoints.From.IpRef i, Target target, int sport) {
      requireNode(i.enterNode());
      NetNamespace ns = dp.node(i.enterNode());
      if (ns.isLocalAddress(i.ip())) {
        return sendFromHost(ns, target, sport, "node " + i.enterNode(), i.ip());
      }
      Packet pk = Packet.of(i.ip(), sport, target.ip, target.port, target.proto);
      Link eth0 = ns.link("eth0").orElseThrow();
      step(ns, eth0, Step.Kind.SEND, "a packet from " + i.ip() + " arrives on "
          + i.enterNode() + "'s eth0", null, pk);
      return receive(ns, eth0, pk, target);
    }

    private void requireNode(String name) {
      if (cluster.node(name).isEmpty()) {
        throw new TraceException("no node '" + name + "' (expected one of: "
            + cluster.nodes().stream().map(Node::name).toList() + ")");
      }
    }

    private String lastEvent(Pod p) {
      List<Event> ev = p.events();
      return ev.isEmpty() ? "no events" : ev.get(ev.size() - 1).reason() + ": "
          + ev.get(ev.size() - 1).message();
    }

    private String cniHint() {
      return "install the CNI plugin (" + cluster.config().cni().plugin()
          + "): without it the kubelet cannot create pod sandboxes";
    }

    Trace sendFromHost(NetNamespace ns, Target target, int sport, String who) {
      return sendFromHost(ns, target, sport, who, null);
    }

    Trace sendFromHost(NetNamespace ns, Target target, int sport, String who, Ip srcOverride) {
      RouteLookup r = ns.lookup(target.ip);
      Ip src = srcOverride != null ? srcOverride : r.src() != null ? r.src() : Ip.LOOPBACK;
      Packet pk = Packet.of(src, sport, target.ip, target.port, target.proto);
      step(ns, r.dev(), Step.Kind.SEND, who + " sends " + target.proto.lower() + " "
          + src + ":" + sport + " -> " + target.ip + ":" + target.port, null, pk);
      return route(ns, pk, target, false);
    }

    /** A routing decision in {@code ns} and what follows; {@code forwarded} for ip_forward. */
    Trace route(NetNamespace ns, Packet pk, Target target, boolean forwarded) {
      RouteLookup r = ns.lookup(pk.dst());
      if (r.isLocal()) {
        step(ns, r.dev(), Step.Kind.ROUTE, r.explain(), null, pk);
        return deliverLocal(ns, pk, target);
      }
      if (!r.found()) {
        step(ns, null, Step.Kind.ROUTE, r.explain(), null, pk);
        return end(Verdict.NO_ROUTE, "no route to " + pk.dst() + " in " + where(ns)
            + ": no entry of its main table matches and it has no default route",
            "add a route to " + pk.dst() + " (for a pod network this is the CNI plugin's job)");
      }
      step(ns, r.dev(), Step.Kind.ROUTE, r.explain() + (forwarded ? " (forwarded, TTL "
          + pk.ttl() + ")" : ""), r.route().text(), pk);
      return transmit(ns, r.dev(), r.nextHop(), postrouting(ns, r, pk), target);
    }

    /**
     * nat POSTROUTING on a node: the CNI plugin's masquerade rules, first match wins. A
     * MASQUERADE rewrites the source to the output device's address and, with --random-fully, a
     * random source port.
     */
    Packet postrouting(NetNamespace ns, RouteLookup r, Packet pk) {
      if (!dp.nodes().containsValue(ns)) {
        return pk;
      }
      for (MasqRule rule : dp.masqueradeRules(ns.node())) {
        if (!rule.matches(pk.src(), pk.dst())) {
          continue;
        }
        if (!rule.masquerade()) {
          return pk;
        }
        Ip to = r.src() != null ? r.src() : pk.src();
        int port = rule.text().contains("--random-fully") ? 32768 + random.nextInt(28232)
            : pk.sport();
        Packet out = pk.withSrc(to, port);
        masqueraded = true;
        step(ns, r.dev(), Step.Kind.SNAT, "nat POSTROUTING: the CNI plugin masquerades "
            + pk.src() + " behind " + r.dev().name() + "'s address " + to, rule.text(), out);
        return out;
      }
      return pk;
    }

    /** A packet received on {@code in}: delivered here or forwarded. */
    Trace receive(NetNamespace ns, Link in, Packet pk, Target target) {
      if (steps.size() > MAX_STEPS) {
        return end(Verdict.TTL_EXCEEDED, "the packet loops: more than " + MAX_STEPS + " steps",
            "look for two routes pointing at each other");
      }
      if (ns.isLocalAddress(pk.dst())) {
        step(ns, in, Step.Kind.ROUTE, pk.dst() + " is a local address of " + where(ns)
            + " (table local)", null, pk);
        return deliverLocal(ns, pk, target);
      }
      if (!ns.sysctlOn("net.ipv4.ip_forward")) {
        step(ns, in, Step.Kind.DROP, "net.ipv4.ip_forward=0: " + where(ns)
            + " does not forward packets that are not for itself", null, pk);
        return end(Verdict.DROPPED, where(ns) + " has net.ipv4.ip_forward=0, so it drops a"
            + " packet for " + pk.dst() + " instead of forwarding it",
            "sysctl -w net.ipv4.ip_forward=1 (kubeadm requires it)");
      }
      Packet fwd = pk.withTtl(pk.ttl() - 1);
      if (fwd.ttl() <= 0) {
        step(ns, in, Step.Kind.DROP, "TTL reached 0 while forwarding", null, fwd);
        return end(Verdict.TTL_EXCEEDED, "the TTL ran out in " + where(ns)
            + " (ICMP time exceeded): the packet is looping", "look for a routing loop");
      }
      return route(ns, fwd, target, true);
    }

    Trace transmit(NetNamespace ns, Link dev, Ip nextHop, Packet pk, Target target) {
      switch (dev.kind()) {
        case VETH -> {
          Link peer = graph.peer(dev).orElseThrow();
          step(ns, dev, Step.Kind.VETH, "out of " + dev.name() + ", a veth pair: the frame"
              + " appears on " + peer.name() + " in " + where(peer.namespace()), null, pk);
          if (peer.master() != null) {
            return bridge(peer.master(), peer, nextHop, pk, target);
          }
          return receive(peer.namespace(), peer, pk, target);
        }
        case BRIDGE -> {
          return bridge(dev, null, nextHop, pk, target);
        }
        case VXLAN -> {
          return vxlan(ns, dev, nextHop, pk, target);
        }
        case IPIP -> {
          Packet outer = pk.withOuter(new Packet.Outer(ns.lookup(nextHop).src(), nextHop, 0, 0,
              0));
          step(ns, dev, Step.Kind.ENCAP, "tunl0 wraps the packet in an outer IPv4 header"
              + " (IP-in-IP, protocol 4) from " + outer.outer().src() + " to " + nextHop, null,
              outer);
          return sendOuter(ns, outer, target);
        }
        case ETHER -> {
          step(ns, dev, Step.Kind.WIRE, "out of " + dev.name() + " onto the node network, next"
              + " hop " + nextHop, null, pk);
          return underlay(pk, nextHop, target);
        }
        default -> {
          return end(Verdict.DROPPED, "the packet leaves through " + dev.name() + " ("
              + dev.kind().text() + "), which kubewalk does not model", null);
        }
      }
    }

    /** Bridge forwarding: to the port whose host owns the next hop, or up to the host. */
    Trace bridge(Link br, Link ingress, Ip nextHop, Packet pk, Target target) {
      NetNamespace ns = br.namespace();
      if (br.addresses().stream().anyMatch(a -> a.ip().equals(nextHop))) {
        step(ns, br, Step.Kind.BRIDGE, br.name() + ": the frame is addressed to the bridge's"
            + " own MAC (" + br.mac() + ", gateway " + nextHop + "): up to the host's IP stack",
            null, pk);
        return receive(ns, br, pk, target);
      }
      for (Link port : graph.ports(br)) {
        Optional<Link> maybePeer = graph.peer(port);
        if (port == ingress || maybePeer.isEmpty()) {
          continue;
        }
        Link peer = maybePeer.get();
        if (peer.addresses().stream().anyMatch(a -> a.ip().equals(nextHop))) {
          String nf = ingress != null && ns.sysctlOn("net.bridge.bridge-nf-call-iptables")
              ? "; bridge-nf-call-iptables=1 sends the bridged frame through iptables" : "";
          step(ns, br, Step.Kind.BRIDGE, br.name() + " forwards the frame to port "
              + port.name() + " (FDB: " + peer.mac() + " of " + nextHop + ")"
              + (port == ingress ? " (hairpin)" : "") + nf, null, pk);
          step(ns, port, Step.Kind.VETH, "out of " + port.name() + ", a veth pair: the frame"
              + " appears on " + peer.name() + " in " + where(peer.namespace()), null, pk);
          return receive(peer.namespace(), peer, pk, target);
        }
      }
      Optional<Link> overlay = graph.ports(br).stream()
          .filter(p -> p.kind() == Link.Kind.VXLAN).findFirst();
      if (overlay.isPresent()) {
        return weaveOverlay(ns, br, overlay.get(), nextHop, pk, target);
      }
      step(ns, br, Step.Kind.DROP, br.name() + ": no port answers ARP for " + nextHop, null, pk);
      return end(Verdict.DROPPED, "nothing on " + br.name() + " in " + where(ns) + " has the"
          + " address " + nextHop + ", so ARP fails and the frame is never sent", null);
    }

    /** weave: the bridge floods an unknown MAC to the overlay, which sends it to its owner. */
    Trace weaveOverlay(NetNamespace ns, Link br, Link vx, Ip nextHop, Packet pk,
        Target target) {
      for (NetNamespace other : dp.nodes().values()) {
        if (other == ns) {
          continue;
        }
        Optional<Link> remoteBridge = other.link(br.name());
        if (remoteBridge.isEmpty()) {
          continue;
        }
        boolean owns = remoteBridge.get().ports().stream().anyMatch(p -> p.peer() != null
            && p.peer().addresses().stream().anyMatch(a -> a.ip().equals(nextHop)));
        if (owns) {
          Ip dst = other.link("eth0").flatMap(l -> l.addresses().stream().findFirst())
              .orElseThrow().ip();
          Packet outer = pk.withOuter(new Packet.Outer(vx.vxlanLocal(), dst, sport(pk),
              vx.vxlanPort(), 0));
          step(ns, vx, Step.Kind.ENCAP, "weave's overlay: " + nextHop + " lives on "
              + other.node() + "; the frame is encapsulated (fast datapath, UDP "
              + vx.vxlanPort() + ") from " + vx.vxlanLocal() + " to " + dst, null, outer);
          return sendOuter(ns, outer, target);
        }
      }
      step(ns, br, Step.Kind.DROP, "no weave peer has " + nextHop, null, pk);
      return end(Verdict.DROPPED, "no node of the weave network has " + nextHop, null);
    }

    /** VXLAN: neighbour (VTEP MAC) and FDB (remote node IP) lookups, then encapsulation. */
    Trace vxlan(NetNamespace ns, Link vx, Ip nextHop, Packet pk, Target target) {
      Optional<NetNamespace.Neighbour> neigh = ns.neighbour(nextHop, vx);
      if (neigh.isEmpty()) {
        step(ns, vx, Step.Kind.DROP, "no neighbour entry for " + nextHop + " on " + vx.name(),
            null, pk);
        return end(Verdict.DROPPED, vx.name() + " has no ARP entry for " + nextHop
            + " (flannel programs one per node): the frame cannot be addressed", null);
      }
      String mac = neigh.get().mac();
      Optional<Link.Fdb> fdb = vx.fdb().stream().filter(f -> f.mac().equals(mac)).findFirst();
      if (fdb.isEmpty()) {
        return end(Verdict.DROPPED, vx.name() + " has no FDB entry for " + mac, null);
      }
      Packet outer = pk.withOuter(new Packet.Outer(vx.vxlanLocal(), fdb.get().dst(), sport(pk),
          vx.vxlanPort(), vx.vni()));
      step(ns, vx, Step.Kind.ENCAP, vx.name() + ": neighbour " + nextHop + " is " + mac
          + ", FDB sends " + mac + " to " + fdb.get().dst() + ": VXLAN encapsulation, outer "
          + vx.vxlanLocal() + " -> " + fdb.get().dst() + " UDP " + vx.vxlanPort() + " VNI "
          + vx.vni(), "ip neigh: " + nextHop + " dev " + vx.name() + " lladdr " + mac
          + " PERMANENT; bridge fdb: " + mac + " dev " + vx.name() + " dst " + fdb.get().dst()
          + " self permanent", outer);
      return sendOuter(ns, outer, target);
    }

    private int sport(Packet pk) {
      return 32768 + Math.floorMod(pk.src().bits() * 31 + pk.sport(), 28232);
    }

    /** The encapsulated packet is routed by its outer header out of the node. */
    Trace sendOuter(NetNamespace ns, Packet pk, Target target) {
      Packet.Outer o = pk.outer();
      RouteLookup r = ns.lookup(o.dst());
      if (!r.found() || r.isLocal()) {
        return end(Verdict.NO_ROUTE, "no route to the outer destination " + o.dst() + " in "
            + where(ns), null);
      }
      step(ns, r.dev(), Step.Kind.ROUTE, "outer header: " + r.explain(), r.route().text(), pk);
      step(ns, r.dev(), Step.Kind.WIRE, "out of " + r.dev().name() + " onto the node network",
          null, pk);
      return underlay(pk, r.nextHop(), target);
    }

    /**
     * The node network between the nodes: a frame for a next hop that is a node goes straight to
     * it (same L2); one for the gateway is routed by (outer) destination to the node or client
     * that owns it. Pod and Service addresses are not routable there.
     */
    Trace underlay(Packet pk, Ip nextHop, Target target) {
      Ip dst = pk.outer() != null ? pk.outer().dst() : pk.dst();
      Optional<Link> byHop = wiredWith(nextHop);
      Optional<Link> in = byHop.isPresent() ? byHop : wiredWith(dst);
      if (in.isPresent()) {
        NetNamespace ns = in.get().namespace();
        step(UNDERLAY, UNDERLAY, null, Step.Kind.WIRE, "the node network delivers the frame to "
            + ns.node() + " (" + (byHop.isPresent() ? nextHop : dst) + ")", null, pk);
        if (pk.outer() != null) {
          return decap(ns, in.get(), pk, target);
        }
        return receive(ns, in.get(), pk, target);
      }
      for (ExternalClient c : cluster.clients()) {
        if (c.ip().equals(dst)) {
          step(UNDERLAY, "external:" + c.name(), "eth0", Step.Kind.DELIVER, "delivered to"
              + " external client " + c.name(), null, pk);
          return delivered(new Trace.Endpoint("external", c.name(), dst.toString(),
              pk.dport()), pk);
        }
      }
      step(UNDERLAY, UNDERLAY, null, Step.Kind.DROP, "the node network has no route to " + dst,
          null, pk);
      return end(Verdict.DROPPED, "the node network (next hop " + nextHop + ") has no route to "
          + dst + ": pod and Service addresses exist only inside the cluster's nodes",
          "the sending node needs a route for " + dst + " that leads to the right node (an"
              + " overlay like VXLAN, or host-gw routes on a shared L2 network)");
    }

    /** The node interface on the node network that holds an address (a WIRE edge). */
    private Optional<Link> wiredWith(Ip ip) {
      return graph.onNodeNetwork().stream()
          .filter(l -> l.addresses().stream().anyMatch(a -> a.ip().equals(ip))).findFirst();
    }

    /** The outer header is for this node: the tunnel endpoint strips it. */
    Trace decap(NetNamespace ns, Link in, Packet pk, Target target) {
      Packet.Outer o = pk.outer();
      Packet inner = pk.withOuter(null);
      if (o.dport() == 0) {
        Optional<Link> tunl = ns.link("tunl0");
        if (tunl.isEmpty()) {
          return end(Verdict.DROPPED, ns.node() + " has no tunl0 to receive IP-in-IP", null);
        }
        step(ns, tunl.get(), Step.Kind.DECAP, "IP-in-IP for " + o.dst() + ": tunl0 strips the"
            + " outer header", null, inner);
        return receive(ns, tunl.get(), inner, target);
      }
      Optional<Link> vx = ns.links().stream().filter(l -> l.kind() == Link.Kind.VXLAN
          && l.vxlanPort() == o.dport()).findFirst();
      if (vx.isEmpty()) {
        step(ns, in, Step.Kind.DROP, "nothing listens on UDP " + o.dport(), null, pk);
        return end(Verdict.DROPPED, ns.node() + " has no VXLAN device on UDP port " + o.dport()
            + ", so the encapsulated packet is dropped", null);
      }
      step(ns, vx.get(), Step.Kind.DECAP, "UDP " + o.dport() + " VNI " + o.vni() + " is for "
          + vx.get().name() + ": the outer headers are stripped and the inner packet enters"
          + " the host stack on " + vx.get().name(), null, inner);
      if (vx.get().master() != null) {
        return bridge(vx.get().master(), vx.get(), inner.dst(), inner, target);
      }
      return receive(ns, vx.get(), inner, target);
    }

    /** The packet is for this namespace: is anything listening on the port? */
    Trace deliverLocal(NetNamespace ns, Packet pk, Target target) {
      Optional<Pod> pod = podOfNamespace(ns);
      if (pod.isPresent()) {
        Pod p = pod.get();
        List<ContainerPort> ports = p.ports();
        boolean listens = ports.isEmpty() || ports.stream().anyMatch(c -> c.containerPort()
            == pk.dport() && c.protocol() == pk.proto());
        if (!listens) {
          step(ns, ns.link("eth0").orElse(null), Step.Kind.REJECT, "no socket listens on "
              + pk.proto().lower() + "/" + pk.dport() + " in pod " + p.key(), null, pk);
          return end(Verdict.REJECTED, "pod " + p.key() + " answers with "
              + (pk.proto() == Protocol.TCP ? "a TCP RST" : "ICMP port unreachable")
              + ": nothing listens on " + pk.proto().lower() + "/" + pk.dport()
              + " (its containers declare " + ports.stream().map(c -> c.containerPort() + "/"
                  + c.protocol()).toList() + ")",
              "use one of the pod's ports");
        }
        step(ns, ns.link("eth0").orElse(null), Step.Kind.DELIVER, "delivered to pod " + p.key()
            + (ports.isEmpty() ? " (it declares no ports; kubewalk assumes it listens)" : ""),
            null, pk);
        return delivered(new Trace.Endpoint("pod", p.key(), pk.dst().toString(), pk.dport()),
            pk);
      }
      Node node = cluster.node(ns.node()).orElseThrow();
      Optional<NodeProcesses.Listener> l = NodeProcesses.listeners(cluster, node).stream()
          .filter(x -> x.proto().equals(pk.proto().lower()) && x.port() == pk.dport()
              && (x.address().equals("*") || x.address().equals("0.0.0.0")
                  || x.address().equals(pk.dst().toString())))
          .findFirst();
      if (l.isEmpty()) {
        step(ns, null, Step.Kind.REJECT, "no process on " + node.name() + " listens on "
            + pk.dst() + ":" + pk.dport() + "/" + pk.proto().lower(), null, pk);
        return end(Verdict.REJECTED, node.name() + " answers with "
            + (pk.proto() == Protocol.TCP ? "a TCP RST" : "ICMP port unreachable")
            + ": no process listens on " + pk.dst() + ":" + pk.dport() + "/"
            + pk.proto().lower(), "see netstat -npl on " + node.name());
      }
      step(ns, null, Step.Kind.DELIVER, "delivered to " + l.get().program() + " on "
          + node.name() + " (listening on " + l.get().address() + ":" + l.get().port() + ")",
          null, pk);
      return delivered(new Trace.Endpoint("node", node.name(), pk.dst().toString(),
          pk.dport()), pk);
    }

    private Optional<Pod> podOfNamespace(NetNamespace ns) {
      for (Pod p : cluster.podsOn(ns.node())) {
        if (dp.pod(p).orElse(null) == ns) {
          return Optional.of(p);
        }
      }
      return Optional.empty();
    }

    // ---- bookkeeping -----------------------------------------------------------------------

    private String where(NetNamespace ns) {
      return dp.nodes().containsValue(ns) ? "node " + ns.node() : ns.name() + " on "
          + ns.node();
    }

    void step(NetNamespace ns, Link dev, Step.Kind kind, String detail, String rule,
        Packet pk) {
      step(ns.node(), ns.name(), dev == null ? null : dev.name(), kind, detail, rule, pk);
    }

    void step(String node, String netns, String dev, Step.Kind kind, String detail, String rule,
        Packet pk) {
      steps.add(new Step(steps.size(), node, netns, dev, kind, detail, rule, pk, null));
    }

    Trace delivered(Trace.Endpoint to, Packet pk) {
      return new Trace(Verdict.DELIVERED, null, null, null, to, pk.src() + ":" + pk.sport(),
          masqueraded, List.of(), steps, null, null);
    }

    Trace end(Verdict v, String reason, String hint) {
      return new Trace(v, reason, hint, null, null, null, masqueraded, List.of(), steps, null,
          null);
    }
  }

  // ---- targets -----------------------------------------------------------------------------

  private record Target(Ip ip, int port, Protocol proto, String noIpReason, String hint) {}

  private Target resolveTarget(Endpoints.To to) {
    if (to instanceof Endpoints.To.Address a) {
      Optional<Service> svc = cluster.services().stream()
          .filter(s -> a.ip().equals(s.clusterIp())).findFirst();
      if (svc.isPresent()) {
        throw new TraceException(a.ip() + " is the ClusterIP of Service " + svc.get().key()
            + ": tracing through kube-proxy's rules is not in this build yet (trace to a pod"
            + " instead, e.g. --to pod/NS/NAME:PORT)");
      }
      return new Target(a.ip(), a.port(), a.proto(), null, null);
    }
    if (to instanceof Endpoints.To.PodRef p) {
      Pod pod = cluster.pod(p.namespace(), p.name()).orElseThrow(() -> new TraceException(
          "no pod " + p.namespace() + "/" + p.name() + " in this scenario (see kubectl get"
              + " pods -A)"));
      if (pod.podIp() == null) {
        String why = pod.events().isEmpty() ? pod.phase().text()
            : pod.events().get(pod.events().size() - 1).reason();
        return new Target(null, p.port(), p.proto(), "pod " + pod.key() + " has no IP: it is "
            + pod.phase().text() + " (" + why + "), so nothing can reach it",
            "install the CNI plugin (" + cluster.config().cni().plugin() + ") so that the"
                + " kubelet can create the pod's sandbox");
      }
      return new Target(pod.podIp(), p.port(), p.proto(), null, null);
    }
    if (to instanceof Endpoints.To.ServiceRef s) {
      throw new TraceException("tracing to Service " + s.namespace() + "/" + s.name()
          + " needs kube-proxy's rules, which are not in this build yet (trace to a pod"
          + " instead, e.g. --to pod/NS/NAME:PORT)");
    }
    Endpoints.To.DnsName d = (Endpoints.To.DnsName) to;
    throw new TraceException("tracing to a DNS name (" + d.name() + ") needs CoreDNS and"
        + " kube-proxy, which are not in this build yet (trace to a pod or an IP instead)");
  }

}
