package io.kubewalk.sim.trace;

import io.kubewalk.sim.api.ContainerPort;
import io.kubewalk.sim.api.Event;
import io.kubewalk.sim.api.ExternalClient;
import io.kubewalk.sim.api.FirewallRule;
import io.kubewalk.sim.api.Node;
import io.kubewalk.sim.api.Pod;
import io.kubewalk.sim.api.EndpointSlice;
import io.kubewalk.sim.api.Service;
import io.kubewalk.sim.api.ServicePort;
import io.kubewalk.sim.cni.Dataplane;
import io.kubewalk.sim.control.Cluster;
import io.kubewalk.sim.graph.TopologyGraph;
import io.kubewalk.sim.net.Ip;
import io.kubewalk.sim.net.Packet;
import io.kubewalk.sim.net.Protocol;
import io.kubewalk.sim.net.conntrack.Conntrack;
import io.kubewalk.sim.net.ipvs.IpvsEvaluator;
import io.kubewalk.sim.net.ipvs.IpvsTable;
import io.kubewalk.sim.net.nftables.NftEvaluator;
import io.kubewalk.sim.net.nftables.NftTable;
import io.kubewalk.sim.net.netfilter.CtState;
import io.kubewalk.sim.net.netfilter.NetfilterEvaluator;
import io.kubewalk.sim.net.netfilter.NetfilterEvaluator.Hook;
import io.kubewalk.sim.net.netfilter.NetfilterStep;
import io.kubewalk.sim.net.netfilter.NetfilterTables;
import io.kubewalk.sim.net.netfilter.PacketContext;
import io.kubewalk.sim.net.netfilter.RecentLists;
import io.kubewalk.sim.net.netfilter.Table;
import io.kubewalk.sim.net.netfilter.TraversalResult;
import io.kubewalk.sim.net.ns.Link;
import io.kubewalk.sim.net.ns.NetNamespace;
import io.kubewalk.sim.net.ns.RouteLookup;
import io.kubewalk.sim.proxy.KubeProxy;
import io.kubewalk.sim.proxy.ipvs.IpvsState;
import io.kubewalk.sim.shell.sockets.NodeProcesses;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Walks one packet through the model, hop by hop: route lookups in each namespace, the netfilter
 * hooks of every node it crosses (the kubelet's, the CNI plugin's and kube-proxy's rules, with
 * conntrack deciding which packets the nat table sees), veth pairs, bridge forwarding (through
 * iptables when {@code bridge-nf-call-iptables=1}), VXLAN and IPIP encapsulation over the node
 * network, decapsulation, and delivery to a listening socket; with a reply, the answer's walk
 * back through the reverse translations conntrack recorded. It never looks up an answer: every
 * step is the model's own decision, recorded with the reason for it.
 */
public final class Tracer {

  private static final int MAX_STEPS = 400;
  private static final String UNDERLAY = "node-network";
  /** A kube-proxy rule comment naming a Service port: {@code ns/name:port ...}. */
  private static final Pattern SERVICE_COMMENT = Pattern.compile(
      "--comment \"?([a-z0-9][-a-z0-9.]*/[a-z0-9][-a-z0-9.]*(?::[a-z0-9][-a-z0-9]*)?)(?:[ \"]|$)");

  /** kube-proxy's nftables chain names: {@code service-HASH-ns/name/tcp/port}. */
  private static final Pattern NFT_SERVICE_CHAIN = Pattern.compile(
      "^(?:service|external)-[A-Z0-9]+-([^/]+)/([^/]+)/[a-z]+/(.*)$");

  private final Dataplane dp;
  private final KubeProxy proxy;
  private final Cluster cluster;
  private final TopologyGraph graph;
  /** Per node namespace: its kube-proxy nft table with the node's local addresses. */
  private final Map<NetNamespace, NftEvaluator> nftEvaluators =
      new java.util.concurrent.ConcurrentHashMap<>();

  public Tracer(Dataplane dp, KubeProxy proxy) {
    this.dp = dp;
    this.proxy = proxy;
    this.cluster = dp.cluster();
    this.graph = TopologyGraph.of(dp);
  }

  /** The graph this tracer walks. */
  public TopologyGraph topology() {
    return graph;
  }

  /** Traces from a {@code --from} to a {@code --to}; {@code seed} picks ports and endpoints. */
  public Trace trace(Endpoints.From from, Endpoints.To to, long seed) {
    return trace(from, to, seed, false);
  }

  /**
   * As {@link #trace(Endpoints.From, Endpoints.To, long)}; with {@code reply}, a delivered packet
   * is answered (the SYN-ACK of a TCP connection) and the answer traced back to the client.
   */
  public Trace trace(Endpoints.From from, Endpoints.To to, long seed, boolean reply) {
    Walk w = new Walk(seed, new LinkedHashMap<>(), new HashMap<>(), new LinkedHashMap<>(), null);
    Trace t = w.run(from, to);
    if (!reply || t.verdict() != Verdict.DELIVERED || w.servedBy == null) {
      return t;
    }
    Walk back = new Walk(seed + 1, w.conntrack, w.recent, w.ipvs, w.socket);
    back.service = w.service;
    Trace r = back.answer(w.servedBy, w.arrived);
    return t.withReply(r, back.flows());
  }

  /** Why a trace cannot start (unknown names): reported to the user as bad input. */
  public static final class TraceException extends IllegalArgumentException {
    public TraceException(String message) {
      super(message);
    }
  }

  /** The client's connected socket a reply must match: in a namespace or outside the cluster. */
  private record Socket(NetNamespace ns, String external, Packet sent) {
    boolean matches(Packet reply) {
      return reply.src().equals(sent.dst()) && reply.sport() == sent.dport()
          && reply.dst().equals(sent.src()) && reply.dport() == sent.sport();
    }
  }

  /** What a hook did: the packet afterwards, or the end of the trace. */
  private record Hooked(Packet packet, Trace end) {}

  /** The packet's current stay in one node namespace and its conntrack entry there. */
  private record Visit(NetNamespace ns, Conntrack.Entry entry, Conntrack.Direction dir,
      boolean fresh) {}

  private final class Walk {
    final List<Step> steps = new ArrayList<>();
    final SplittableRandom random;
    final Map<NetNamespace, Conntrack> conntrack;
    final Map<String, RecentLists> recent;
    final Map<String, IpvsEvaluator> ipvs;
    final Socket expect;
    final Map<String, Double> candidates = new LinkedHashMap<>();
    boolean masqueraded;
    String service;
    int rulesEvaluated;
    int lookups;
    Visit visit;
    Socket socket;
    NetNamespace servedBy;
    Packet arrived;
    String bypassedOn;

    Walk(long seed, Map<NetNamespace, Conntrack> conntrack, Map<String, RecentLists> recent,
        Map<String, IpvsEvaluator> ipvs, Socket expect) {
      this.random = new SplittableRandom(seed);
      this.conntrack = conntrack;
      this.recent = recent;
      this.ipvs = ipvs;
      this.expect = expect;
    }

    Trace run(Endpoints.From from, Endpoints.To to) {
      Target target = resolveTarget(to, from);
      if (target.dns != null) {
        Trace failed = lookup(from, target);
        if (failed != null) {
          return failed;
        }
        String[] at = location(from);
        step(at[0], at[1], null, Step.Kind.DNS, target.dns, null,
            Packet.of(Ip.ANY, 0, target.ip == null ? Ip.ANY : target.ip, target.port,
                target.proto));
      }
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

    /**
     * The DNS query before the connection: a UDP packet from the pod to kube-dns's ClusterIP on
     * port 53, traced like any other (kube-proxy picks a CoreDNS pod), and CoreDNS's answer back;
     * its steps come first in this trace. Returns the end of the trace when the lookup fails.
     */
    private Trace lookup(Endpoints.From from, Target target) {
      Optional<Service> kubeDns = cluster.service("kube-system", "kube-dns");
      boolean podWithClusterDns = from instanceof Endpoints.From.PodRef p
          && cluster.pod(p.namespace(), p.name()).map(x -> !x.hostNetwork()).orElse(false);
      if (!podWithClusterDns) {
        throw new TraceException("only pods resolve cluster DNS names (their /etc/resolv.conf"
            + " points to kube-dns); a node's or an outside host's resolver does not know *.svc."
            + cluster.config().dnsDomain() + ": trace to the Service's ClusterIP instead"
            + " (kubectl get svc)");
      }
      if (kubeDns.isEmpty() || kubeDns.get().clusterIp() == null) {
        return end(Verdict.DROPPED, "there is no kube-dns Service, so the pod's DNS query has"
            + " nowhere to go", "deploy CoreDNS (kubeadm does it)");
      }
      Walk q = new Walk(random.nextLong(), conntrack, recent, ipvs, null);
      Trace query = q.run(from, new Endpoints.To.Address(kubeDns.get().clusterIp(), 53,
          Protocol.UDP));
      Trace answer = null;
      if (query.verdict() == Verdict.DELIVERED && q.servedBy != null) {
        Walk a = new Walk(random.nextLong(), conntrack, recent, ipvs, q.socket);
        answer = a.answer(q.servedBy, q.arrived);
      }
      for (Trace part : answer == null ? List.of(query) : List.of(query, answer)) {
        for (Step st : part.steps()) {
          steps.add(new Step(steps.size(), st.node(), st.netns(), st.device(), st.kind(),
              (part == query ? "DNS query: " : "DNS answer: ") + st.detail(), st.rule(),
              st.packet(), st.ct()));
        }
      }
      if (answer == null || answer.verdict() != Verdict.DELIVERED) {
        Trace failed = answer == null ? query : answer;
        return end(failed.verdict(), "the DNS lookup failed: " + failed.reason(),
            failed.hint());
      }
      return null;
    }

    private String[] location(Endpoints.From from) {
      if (from instanceof Endpoints.From.PodRef p) {
        Optional<Pod> pod = cluster.pod(p.namespace(), p.name());
        Optional<NetNamespace> ns = pod.flatMap(dp::pod);
        if (ns.isPresent()) {
          return new String[] {ns.get().node(), ns.get().name()};
        }
        String node = pod.map(Pod::nodeName).orElse(UNDERLAY);
        return new String[] {node, node};
      } else if (from instanceof Endpoints.From.NodeRef n) {
        return new String[] {n.name(), n.name()};
      } else if (from instanceof Endpoints.From.ExternalRef e) {
        return new String[] {UNDERLAY, "external:" + e.name()};
      }
      String node = ((Endpoints.From.IpRef) from).enterNode();
      return new String[] {node, node};
    }

    private Trace fromPod(Endpoints.From.PodRef p, Target target, int sport) {
      Pod pod = cluster.pod(p.namespace(), p.name()).orElseThrow(
          () -> new TraceException("no pod " + p.namespace() + "/" + p.name()
              + " in this scenario (see kubectl get pods -A)"));
      if (pod.hostNetwork()) {
        Trace tunnelled = apiserverTunnel(pod, target, sport);
        return tunnelled != null ? tunnelled
            : sendFromHost(dp.node(pod.nodeName()), target, sport, pod.key());
      }
      Optional<NetNamespace> ns = dp.pod(pod);
      if (ns.isEmpty()) {
        return end(Verdict.DROPPED, "pod " + pod.key() + " has no network namespace: it is "
            + pod.phase().text() + " (" + lastEvent(pod) + ")", cniHint());
      }
      return sendFromHost(ns.get(), target, sport, "pod " + pod.key());
    }

    /**
     * The kube-apiserver dialling a kubelet (10250) when the scenario routes that traffic through
     * a tunnel: Konnectivity (the konnectivity-agent on the node dialled out to
     * konnectivity-server on the control plane's 8132, and the connection rides that stream;
     * the agent then dials the kubelet on its own node) or the deprecated SSH tunnels (the
     * apiserver keeps an SSH connection to each node's port 22). Null when not tunnelled.
     */
    private Trace apiserverTunnel(Pod pod, Target target, int sport) {
      String tunnel = cluster.config().apiserverTunnel();
      Optional<Node> to = cluster.nodeWithIp(target.ip);
      if (!pod.name().startsWith("kube-apiserver-") || target.port != 10250
          || tunnel == null || tunnel.equals("none") || to.isEmpty()
          || to.get().name().equals(pod.nodeName())) {
        return null;
      }
      NetNamespace server = dp.node(pod.nodeName());
      NetNamespace node = dp.node(to.get().name());
      Ip cpIp = cluster.node(pod.nodeName()).orElseThrow().internalIp();
      Ip nodeIp = to.get().internalIp();
      boolean konn = tunnel.equals("konnectivity");
      // the tunnel itself: agent -> server:8132, or apiserver -> node:22
      Packet carrier = konn ? Packet.of(nodeIp, 41000, cpIp, 8132, Protocol.TCP)
          : Packet.of(cpIp, 41000, nodeIp, 22, Protocol.TCP);
      NetNamespace guarded = konn ? server : node;
      step(server, null, Step.Kind.SEND, pod.key() + " dials " + target.ip + ":10250 (kubelet"
          + " API); its egress selector sends it " + (konn ? "to konnectivity-server" : "through"
              + " its SSH tunnel to " + to.get().name()), null,
          Packet.of(cpIp, sport, target.ip, 10250, Protocol.TCP));
      step(UNDERLAY, UNDERLAY, null, Step.Kind.WIRE, konn ? "the connection rides the gRPC"
          + " stream that konnectivity-agent on " + to.get().name() + " opened to"
          + " konnectivity-server on " + pod.nodeName() + " (" + nodeIp + " -> " + cpIp
          + ":8132): the node dialled out, so nothing needs to reach " + to.get().name()
          + ":10250 from outside" : "the connection rides the apiserver's SSH session to "
          + to.get().name() + ":22 (deprecated SSH tunnels)", null, carrier);
      Trace denied = firewall(guarded, guarded.link("eth0").orElseThrow(), carrier);
      if (denied != null) {
        return end(Verdict.DROPPED, (konn ? "konnectivity-agent on " + to.get().name()
            + " cannot reach konnectivity-server on " + pod.nodeName() + ":8132: "
            : "the apiserver cannot open its SSH tunnel to " + to.get().name() + ":22: ")
            + denied.reason(), denied.hint());
      }
      return sendFromHost(node, target, sport, konn ? "konnectivity-agent on "
          + to.get().name() : "sshd on " + to.get().name() + " (forwarding)");
    }

    private Trace fromExternal(Endpoints.From.ExternalRef e, Target target, int sport) {
      ExternalClient c = cluster.clients().stream().filter(x -> x.name().equals(e.name()))
          .findFirst().orElseThrow(() -> new TraceException("no external client '" + e.name()
              + "' (the scenario's Topology lists clients: "
              + cluster.clients().stream().map(ExternalClient::name).toList() + ")"));
      Packet pk = Packet.of(c.ip(), sport, target.ip, target.port, target.proto);
      socket = new Socket(null, "external/" + c.name(), pk);
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
      socket = new Socket(null, "ip/" + i.ip(), pk);
      Link eth0 = ns.link("eth0").orElseThrow();
      step(ns, eth0, Step.Kind.SEND, "a packet from " + i.ip() + " arrives on "
          + i.enterNode() + "'s eth0", null, pk);
      Trace denied = firewall(ns, eth0, pk);
      return denied != null ? denied : receive(ns, eth0, pk, target);
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
      socket = new Socket(ns, null, pk);
      step(ns, r.dev(), Step.Kind.SEND, who + " sends " + target.proto.lower() + " "
          + src + ":" + sport + " -> " + target.ip + ":" + target.port, null, pk);
      return output(ns, r, pk, target);
    }

    /** The answer to a delivered packet, sent from the socket that received it. */
    Trace answer(NetNamespace ns, Packet got) {
      Packet pk = Packet.of(got.dst(), got.dport(), got.src(), got.sport(), got.proto());
      RouteLookup r = ns.lookup(pk.dst());
      String who = podOfNamespace(ns).map(p -> "pod " + p.key()).orElse(where(ns));
      step(ns, r.dev(), Step.Kind.SEND, who + " answers ("
          + (pk.proto() == Protocol.TCP ? "SYN-ACK" : "reply") + ") from " + pk.src() + ":"
          + pk.sport() + " to " + pk.dst() + ":" + pk.dport(), null, pk);
      return output(ns, r, pk, new Target(pk.dst(), pk.dport(), pk.proto(), null, null, null));
    }

    /** A locally generated packet: OUTPUT (where kube-proxy DNATs), then routing. */
    private Trace output(NetNamespace ns, RouteLookup r, Packet pk, Target target) {
      Hooked h = hook(ns, Hook.OUTPUT, pk, null, r.dev(), r.nextHop(), false);
      if (h.end != null) {
        return h.end;
      }
      return route(ns, null, h.packet, target, false);
    }

    /** A routing decision in {@code ns} and what follows; {@code forwarded} for ip_forward. */
    Trace route(NetNamespace ns, Link in, Packet pk, Target target, boolean forwarded) {
      RouteLookup r = ns.lookup(pk.dst());
      if (r.isLocal()) {
        step(ns, r.dev(), Step.Kind.ROUTE, r.explain(), null, pk);
        return deliverLocal(ns, in, pk, target);
      }
      if (!r.found()) {
        step(ns, null, Step.Kind.ROUTE, r.explain(), null, pk);
        return end(Verdict.NO_ROUTE, "no route to " + pk.dst() + " in " + where(ns)
            + ": no entry of its main table matches and it has no default route",
            "add a route to " + pk.dst() + " (for a pod network this is the CNI plugin's job)");
      }
      step(ns, r.dev(), Step.Kind.ROUTE, r.explain() + (forwarded ? " (forwarded, TTL "
          + pk.ttl() + ")" : ""), r.route().text(), pk);
      if (forwarded) {
        Hooked f = hook(ns, Hook.FORWARD, pk, in, r.dev(), r.nextHop(), false);
        if (f.end != null) {
          return f.end;
        }
        pk = f.packet;
      }
      Hooked post = hook(ns, Hook.POSTROUTING, pk, null, r.dev(), r.nextHop(), false);
      if (post.end != null) {
        return post.end;
      }
      return transmit(ns, r.dev(), r.nextHop(), post.packet, target);
    }

    /** A packet received on {@code in}: PREROUTING, then delivered here or forwarded. */
    Trace receive(NetNamespace ns, Link in, Packet pk, Target target) {
      if (steps.size() > MAX_STEPS) {
        return end(Verdict.TTL_EXCEEDED, "the packet loops: more than " + MAX_STEPS + " steps",
            "look for two routes pointing at each other");
      }
      Hooked pre = hook(ns, Hook.PREROUTING, pk, in, null, null, false);
      if (pre.end != null) {
        return pre.end;
      }
      pk = pre.packet;
      if (ns.isLocalAddress(pk.dst())) {
        step(ns, in, Step.Kind.ROUTE, pk.dst() + " is a local address of " + where(ns)
            + " (table local)", null, pk);
        return deliverLocal(ns, in, pk, target);
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
      return route(ns, in, fwd, target, true);
    }

    Trace transmit(NetNamespace ns, Link dev, Ip nextHop, Packet pk, Target target) {
      switch (dev.kind()) {
        case VETH -> {
          Link peer = graph.peer(dev).orElseThrow();
          Packet crossed = pk.withMark(0);
          step(ns, dev, Step.Kind.VETH, "out of " + dev.name() + ", a veth pair: the frame"
              + " appears on " + peer.name() + " in " + where(peer.namespace())
              + (pk.mark() != 0 ? " (crossing namespaces clears the packet mark)" : ""), null,
              crossed);
          if (peer.master() != null) {
            return bridge(peer.master(), peer, nextHop, crossed, target);
          }
          return receive(peer.namespace(), peer, crossed, target);
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
          boolean nf = ingress != null && rules(ns) != null
              && ns.sysctlOn("net.bridge.bridge-nf-call-iptables");
          if (!nf && ingress != null && rules(ns) != null) {
            bypassedOn = ns.node();
          }
          step(ns, br, Step.Kind.BRIDGE, br.name() + " forwards the frame to port "
              + port.name() + " (FDB: " + peer.mac() + " of " + nextHop + ")"
              + (nf ? "; bridge-nf-call-iptables=1 sends the bridged frame through iptables"
                  : ingress != null && rules(ns) != null ? "; bridge-nf-call-iptables=0: the"
                      + " bridged frame bypasses iptables and conntrack" : ""), null, pk);
          if (nf) {
            Hooked h = bridged(ns, br, pk);
            if (h.end != null) {
              return h.end;
            }
            pk = h.packet;
          }
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

    /** br_netfilter: a bridged IPv4 frame passes PREROUTING, FORWARD and POSTROUTING. */
    private Hooked bridged(NetNamespace ns, Link br, Packet pk) {
      Hooked h = hook(ns, Hook.PREROUTING, pk, br, null, null, true);
      if (h.end == null) {
        h = hook(ns, Hook.FORWARD, h.packet, br, br, null, true);
      }
      if (h.end == null) {
        h = hook(ns, Hook.POSTROUTING, h.packet, null, br, pk.dst(), true);
      }
      return h;
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
     * that owns it; a Service's load-balancer or external IP is delivered to a node by the
     * network in front of the cluster. Pod and ClusterIP addresses are not routable there.
     */
    Trace underlay(Packet pk, Ip nextHop, Target target) {
      pk = pk.withMark(0);
      Ip dst = pk.outer() != null ? pk.outer().dst() : pk.dst();
      Optional<Link> byHop = wiredWith(nextHop);
      Optional<Link> in = byHop.isPresent() ? byHop : wiredWith(dst);
      if (in.isPresent()) {
        NetNamespace ns = in.get().namespace();
        step(UNDERLAY, UNDERLAY, null, Step.Kind.WIRE, "the node network delivers the frame to "
            + ns.node() + " (" + (byHop.isPresent() ? nextHop : dst) + ")", null, pk);
        Trace denied = firewall(ns, in.get(), pk);
        if (denied != null) {
          return denied;
        }
        if (pk.outer() != null) {
          return decap(ns, in.get(), pk, target);
        }
        return receive(ns, in.get(), pk, target);
      }
      for (ExternalClient c : cluster.clients()) {
        if (c.ip().equals(dst)) {
          return arriveOutside("external/" + c.name(), c.name(), pk);
        }
      }
      if (expect != null && expect.external() != null && expect.sent().src().equals(dst)) {
        return arriveOutside(expect.external(), dst.toString(), pk);
      }
      Optional<Service> front = pk.outer() == null ? frontedService(dst) : Optional.empty();
      Optional<NetNamespace> entry = front.isPresent() ? entryNode() : Optional.empty();
      if (entry.isPresent()) {
        Link eth0 = entry.get().link("eth0").orElseThrow();
        boolean lb = front.get().loadBalancerIngress().contains(dst);
        step(UNDERLAY, UNDERLAY, null, Step.Kind.WIRE, (lb ? "the load balancer of Service "
            + front.get().key() + " (" + dst + ") passes the packet, destination unchanged,"
            + " to node " : "the network routes external IP " + dst + " of Service "
            + front.get().key() + " to node ") + entry.get().node(), null, pk);
        Trace denied = firewall(entry.get(), eth0, pk);
        return denied != null ? denied : receive(entry.get(), eth0, pk, target);
      }
      step(UNDERLAY, UNDERLAY, null, Step.Kind.DROP, "the node network has no route to " + dst,
          null, pk);
      return end(Verdict.DROPPED, "the node network (next hop " + nextHop + ") has no route to "
          + dst + ": pod and Service addresses exist only inside the cluster's nodes",
          "the sending node needs a route for " + dst + " that leads to the right node (an"
              + " overlay like VXLAN, or host-gw routes on a shared L2 network)");
    }

    /**
     * The cloud (VPC) firewall in front of a node, when the scenario enables it: the rules that
     * apply to the node in priority order, first match decides, nothing matching is denied (the
     * implied deny-ingress rule). Stateful: a reply of an allowed connection passes. It sees the
     * outer header of an encapsulated packet (VXLAN's UDP 8472 between nodes must be allowed).
     */
    private Trace firewall(NetNamespace ns, Link in, Packet pk) {
      if (!cluster.config().firewallEnabled() || expect != null) {
        return null;
      }
      Ip src = pk.outer() != null ? pk.outer().src() : pk.src();
      Protocol proto = pk.outer() == null ? pk.proto() : pk.outer().dport() == 0 ? null
          : Protocol.UDP;
      int port = pk.outer() != null ? pk.outer().dport() : pk.dport();
      String what = (proto == null ? "ipip" : proto.lower() + ":" + port) + " from " + src;
      Optional<FirewallRule> rule = cluster.firewall().stream()
          .filter(r -> r.nodes().isEmpty() || r.nodes().contains(ns.node()))
          .sorted(java.util.Comparator.comparingInt(FirewallRule::priority))
          .filter(r -> r.sources().stream().anyMatch(c -> c.contains(src))
              && (r.protocol() == null || r.protocol() == proto)
              && (proto == null ? r.protocol() == null && r.portFrom() == 0 : r.matchesPort(port)))
          .findFirst();
      if (rule.isPresent() && rule.get().action() == FirewallRule.Action.allow) {
        step(ns, in, Step.Kind.FIREWALL, "firewall rule " + rule.get().name() + " (priority "
            + rule.get().priority() + ") allows " + what + " into " + ns.node(), firewallText(
                rule.get()), pk);
        return null;
      }
      String by = rule.map(r -> "firewall rule " + r.name() + " (priority " + r.priority()
          + ") denies").orElse("no firewall rule allows");
      step(ns, in, Step.Kind.DROP, by + " " + what + " into " + ns.node(),
          rule.map(this::firewallText).orElse(null), pk);
      return end(Verdict.DROPPED, "the cloud firewall drops " + what + " before it reaches "
          + ns.node() + ": " + by + " it" + (rule.isEmpty() ? " (implied deny ingress)" : ""),
          "add a firewall rule allowing " + what.replace(" from ", " from source ") + " to "
              + ns.node());
    }

    private String firewallText(FirewallRule r) {
      return r.name() + ": " + r.action() + " " + (r.protocol() == null ? "all"
          : r.protocol().lower() + (r.portFrom() == 0 ? "" : ":" + r.portFrom()
              + (r.portTo() != r.portFrom() ? "-" + r.portTo() : ""))) + " from "
          + r.sources().stream().map(Object::toString).reduce((a, b) -> a + "," + b).orElse("")
          + (r.nodes().isEmpty() ? "" : " to " + String.join(",", r.nodes()));
    }

    /** A Service whose load-balancer ingress or external IP is {@code ip}. */
    private Optional<Service> frontedService(Ip ip) {
      return cluster.services().stream().filter(s -> s.loadBalancerIngress().contains(ip)
          || s.externalIps().contains(ip)).findFirst();
    }

    /** Where the network in front of the cluster sends Service traffic: the first worker. */
    private Optional<NetNamespace> entryNode() {
      return cluster.nodes().stream().filter(n -> !n.isControlPlane()).findFirst()
          .or(() -> cluster.nodes().stream().findFirst()).map(n -> dp.node(n.name()));
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

    /** The packet is for this namespace: INPUT, then is anything listening on the port? */
    Trace deliverLocal(NetNamespace ns, Link in, Packet sent, Target target) {
      Visit v = visit;
      Hooked h = hook(ns, Hook.INPUT, sent, in, null, null, false);
      if (h.end != null) {
        return h.end;
      }
      Packet pk = h.packet;
      Trace balanced = expect == null ? ipvs(ns, in, pk, target, v) : null;
      if (balanced != null) {
        return balanced;
      }
      if (expect != null) {
        return arriveAtClient(ns, pk);
      }
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
        servedBy = ns;
        arrived = pk;
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
      Optional<Pod> clientPod = socket == null || socket.ns() == null ? Optional.empty()
          : podOfNamespace(socket.ns());
      String credentials = l.get().program().equals("kube-apiserver") && clientPod.isPresent()
          ? "; over HTTPS the pod presents its service-account token"
              + " (/var/run/secrets/kubernetes.io/serviceaccount/token), verifies the apiserver"
              + " with ca.crt from the same directory, and its namespace file says "
              + clientPod.get().namespace() : "";
      if (l.get().program().equals("kubelet") && pk.dport() == 10250) {
        String ca = cluster.config().kubeletCertificateAuthority();
        credentials = "; the kube-apiserver reaches the kubelet API here for kubectl logs, exec,"
            + " attach and port-forward, over HTTPS with its kubelet client certificate"
            + " (apiserver-kubelet-client.crt), and " + (ca == null || ca.isEmpty()
                ? "does not verify the kubelet's serving certificate (no"
                    + " --kubelet-certificate-authority): on an untrusted network a man in the"
                    + " middle could answer in its place"
                : "verifies the kubelet's serving certificate against " + ca);
      }
      step(ns, null, Step.Kind.DELIVER, "delivered to " + l.get().program() + " on "
          + node.name() + " (listening on " + l.get().address() + ":" + l.get().port() + ")"
          + credentials, null, pk);
      servedBy = ns;
      arrived = pk;
      return delivered(new Trace.Endpoint("node", node.name(), pk.dst().toString(),
          pk.dport()), pk);
    }

    /** A reply reached a namespace: does the client's connected socket accept it? */
    private Trace arriveAtClient(NetNamespace ns, Packet pk) {
      String who = podOfNamespace(ns).map(p -> "pod " + p.key()).orElse(where(ns));
      if (ns != expect.ns()) {
        step(ns, null, Step.Kind.DROP, "the reply reaches " + who + ", not the client", null, pk);
        return end(Verdict.DROPPED, "the reply to " + pk.dst() + " reaches " + who
            + ", which never sent the request", null);
      }
      return checkSocket(ns.node(), ns.name(), podOfNamespace(ns).isPresent()
          ? new Trace.Endpoint("pod", podOfNamespace(ns).get().key(), pk.dst().toString(),
              pk.dport())
          : new Trace.Endpoint("node", ns.node(), pk.dst().toString(), pk.dport()), pk);
    }

    private Trace arriveOutside(String who, String name, Packet pk) {
      if (expect != null && expect.external() == null) {
        step(UNDERLAY, UNDERLAY, null, Step.Kind.DROP, "the reply leaves the cluster for "
            + pk.dst(), null, pk);
        return end(Verdict.DROPPED, "the reply goes to " + pk.dst() + " outside the cluster,"
            + " not to the client", null);
      }
      if (expect != null) {
        return checkSocket(UNDERLAY, who.replace("external/", "external:"),
            new Trace.Endpoint("external", name, pk.dst().toString(), pk.dport()), pk);
      }
      step(UNDERLAY, who.replace("external/", "external:"), "eth0", Step.Kind.DELIVER,
          "delivered to external client " + name, null, pk);
      return delivered(new Trace.Endpoint("external", name, pk.dst().toString(), pk.dport()),
          pk);
    }

    private Trace checkSocket(String node, String netns, Trace.Endpoint at, Packet pk) {
      Packet sent = expect.sent();
      if (expect.matches(pk)) {
        step(node, netns, null, Step.Kind.DELIVER, "the reply matches the client's socket ("
            + sent.src() + ":" + sent.sport() + " connected to " + sent.dst() + ":"
            + sent.dport() + ")", null, pk);
        return delivered(at, pk);
      }
      step(node, netns, null, Step.Kind.REJECT, "no socket is connected to " + pk.src() + ":"
          + pk.sport() + "; the client's socket expects " + sent.dst() + ":" + sent.dport(),
          null, pk);
      String bypass = bypassedOn;
      return end(Verdict.REJECTED, "the reply comes from " + pk.src() + ":" + pk.sport()
          + " but the client is connected to " + sent.dst() + ":" + sent.dport()
          + ", so no socket matches: the client's kernel answers with a TCP RST and the"
          + " connection fails" + (bypass == null ? "" : " (the reply was bridged on "
              + bypass + " without passing iptables, so conntrack never translated it back)"),
          bypass == null ? null : "load br_netfilter and set net.bridge.bridge-nf-call-iptables=1"
              + " on every node: kubeadm's preflight checks require it so that replies crossing"
              + " a bridge are translated by conntrack");
    }

    private Optional<Pod> podOfNamespace(NetNamespace ns) {
      for (Pod p : cluster.podsOn(ns.node())) {
        if (dp.pod(p).orElse(null) == ns) {
          return Optional.of(p);
        }
      }
      return Optional.empty();
    }

    // ---- netfilter and conntrack ------------------------------------------------------------

    /** The iptables rules of a node's own namespace; null for pods (no rules in this model). */
    private NetfilterTables rules(NetNamespace ns) {
      return dp.nodes().get(ns.node()) == ns ? proxy.iptables(ns.node()) : null;
    }

    /**
     * One netfilter hook in {@code ns}. The first hook of a stay (PREROUTING or OUTPUT) looks the
     * packet up in conntrack: a known connection is translated as its entry says and skips the
     * nat table; a new one is classified by the rules and its NAT recorded.
     */
    Hooked hook(NetNamespace ns, Hook hook, Packet pk, Link in, Link out, Ip nextHop,
        boolean bridged) {
      NetfilterTables t = rules(ns);
      if (t == null) {
        return new Hooked(pk, null);
      }
      boolean dstHook = hook == Hook.PREROUTING || hook == Hook.OUTPUT;
      if (dstHook || visit == null || visit.ns != ns) {
        enter(ns, pk);
      }
      Visit v = visit;
      if (!v.fresh && dstHook) {
        pk = translate(ns, v, pk, true);
      }
      NftTable nft = proxy.nft(ns.node());
      Packet nftMasq = null;
      if (nft != null) {
        NftEvaluator.Result nr = nftEvaluators.computeIfAbsent(ns,
            k -> new NftEvaluator(nft, localAddresses(k))).hook(hook.name().toLowerCase(java.util.Locale.ROOT), pk, v.fresh, random);
        rulesEvaluated += nr.rulesEvaluated();
        lookups += nr.mapLookups();
        Packet before = pk;
        if (!nr.packet().dst().equals(pk.dst()) || nr.packet().dport() != pk.dport()) {
          if (nr.candidates().isEmpty()) {
            candidates.merge(nr.packet().dst() + ":" + nr.packet().dport(), 1.0, Double::sum);
          }
          nr.candidates().forEach(c -> candidates.merge(c.endpoint(), c.probability(),
              Double::sum));
          v.entry.dnatTo(nr.packet().dst(), nr.packet().dport());
        }
        pk = nr.packet();
        if (nr.masqueraded() && out != null) {
          nftMasq = sourceNat(new io.kubewalk.sim.net.netfilter.Target.Masquerade(true), pk, out,
              nextHop);
        }
        for (NftEvaluator.Step st : nr.steps()) {
          emitNft(ns, in, out, st, before, pk, nftMasq, v);
        }
        if (nftMasq != null) {
          v.entry.snatTo(nftMasq.src(), nftMasq.sport());
          masqueraded = true;
          pk = nftMasq;
        }
        if (nr.outcome() != NftEvaluator.Outcome.ACCEPT) {
          NftEvaluator.Step last = nr.steps().isEmpty() ? null
              : nr.steps().get(nr.steps().size() - 1);
          boolean reject = nr.outcome() == NftEvaluator.Outcome.REJECT;
          return new Hooked(pk, end(reject ? Verdict.REJECTED : Verdict.DROPPED, where(ns) + " "
              + (reject ? "rejects" : "drops") + " the packet at " + hook.name()
              + (last == null ? "" : ": nft chain " + last.chain() + " (" + last.rule() + ")"),
              null));
        }
      }
      PacketContext ctx = new PacketContext(pk, in == null ? null : in.name(),
          out == null ? null : out.name(), ctStates(v), bridged, ns::isLocalAddress,
          recent.computeIfAbsent(ns.node(), k -> new RecentLists()), 0,
          (set, p, dirs) -> proxy.inIpSet(ns.node(), set, p, dirs));
      RecentLists before = ctx.recent().copy();
      NetfilterEvaluator.HookResult r = NetfilterEvaluator.hook(t, hook, ctx,
          prob -> random.nextDouble() < prob);
      rulesEvaluated += r.rulesEvaluated();
      Packet after = r.packet();
      Packet masq = null;
      if (r.nat() instanceof io.kubewalk.sim.net.netfilter.Target.Dnat) {
        collectCandidates(t, hook, ctx.withRecent(before));
        v.entry.dnatTo(after.dst(), after.dport());
      } else if (r.nat() != null && out != null) {
        masq = sourceNat(r.nat(), after, out, nextHop);
      }
      for (NetfilterStep s : r.steps()) {
        if (s.policy() && t.chain(s.table(), s.chain()).rules().isEmpty()) {
          continue; // an empty built-in chain: nothing to show
        }
        Packet shown = masq != null && s == last(r.steps()) ? masq : s.packet();
        emit(ns, in, out, s, shown, v);
      }
      if (masq != null) {
        v.entry.snatTo(masq.src(), masq.sport());
        masqueraded = true;
        after = masq;
      }
      if (r.verdict() == TraversalResult.Verdict.DROP
          || r.verdict() == TraversalResult.Verdict.REJECT) {
        return new Hooked(after, blocked(ns, hook, r, after));
      }
      if (!v.fresh && (hook == Hook.POSTROUTING || hook == Hook.INPUT)) {
        after = translate(ns, v, after, false);
      }
      if (hook == Hook.POSTROUTING || hook == Hook.INPUT) {
        if (v.fresh) {
          conntrack.get(ns).confirm(v.entry);
        } else if (v.dir == Conntrack.Direction.REPLY) {
          v.entry.markSeenReply();
        }
        visit = null;
      }
      return new Hooked(after, null);
    }

    private NetfilterStep last(List<NetfilterStep> s) {
      return s.isEmpty() ? null : s.get(s.size() - 1);
    }

    /** Conntrack lookup on entering a node namespace. */
    private void enter(NetNamespace ns, Packet pk) {
      Conntrack ct = conntrack.computeIfAbsent(ns, k -> new Conntrack());
      lookups++;
      Optional<Conntrack.Hit> hit = ct.find(pk);
      if (hit.isPresent()) {
        Conntrack.Entry e = hit.get().entry();
        visit = new Visit(ns, e, hit.get().direction(), false);
        step(ns, null, Step.Kind.CONNTRACK, "conntrack: this packet belongs to a known"
            + " connection (" + hit.get().direction().name().toLowerCase(java.util.Locale.ROOT)
            + " direction): the nat table is not consulted again", e.text(), pk, "ESTABLISHED");
      } else {
        visit = new Visit(ns, ct.create(pk), Conntrack.Direction.ORIGINAL, true);
      }
    }

    private Set<CtState> ctStates(Visit v) {
      Set<CtState> s = EnumSet.of(v.fresh ? CtState.NEW : CtState.ESTABLISHED);
      if (v.entry.dnat()) {
        s.add(CtState.DNAT);
      }
      if (v.entry.snat()) {
        s.add(CtState.SNAT);
      }
      return s;
    }

    private String ctLabel(Visit v, Packet shown) {
      if (!v.fresh) {
        return "ESTABLISHED";
      }
      if (!shown.src().equals(v.entry.original().src())) {
        return "SNAT";
      }
      return !shown.dst().equals(v.entry.original().dst()) ? "DNAT" : "NEW";
    }

    /**
     * Conntrack's translation of a packet of a known connection: at PREROUTING/OUTPUT the
     * destination (DNAT again, or undoing an SNAT on the reply), at POSTROUTING/INPUT the source
     * (SNAT again, or undoing a DNAT on the reply).
     */
    private Packet translate(NetNamespace ns, Visit v, Packet pk, boolean dstHook) {
      Conntrack.Entry e = v.entry;
      boolean reply = v.dir == Conntrack.Direction.REPLY;
      Packet out = pk;
      String what = null;
      if (dstHook && !reply && e.dnat()) {
        out = pk.withDst(e.reply().src(), e.reply().sport());
        what = "the connection's DNAT";
      } else if (dstHook && reply && e.snat()) {
        out = pk.withDst(e.original().src(), e.original().sport());
        what = "undoing the SNAT: the destination goes back to the original client";
      } else if (!dstHook && !reply && e.snat()) {
        out = pk.withSrc(e.reply().dst(), e.reply().dport());
        what = "the connection's SNAT";
      } else if (!dstHook && reply && e.dnat()) {
        out = pk.withSrc(e.original().dst(), e.original().dport());
        what = "undoing the DNAT: the source goes back to the address the client connected to";
      }
      if (what == null) {
        return pk;
      }
      Step.Kind kind = dstHook ? Step.Kind.DNAT : Step.Kind.SNAT;
      step(ns, null, kind, "conntrack: " + what + " (" + (dstHook ? pk.dst() + ":" + pk.dport()
          + " -> " + out.dst() + ":" + out.dport() : pk.src() + ":" + pk.sport() + " -> "
          + out.src() + ":" + out.sport()) + ")", e.text(), out, "ESTABLISHED");
      return out;
    }

    /** SNAT/MASQUERADE at POSTROUTING: the new source address and port. */
    private Packet sourceNat(io.kubewalk.sim.net.netfilter.Target nat, Packet pk, Link out,
        Ip nextHop) {
      if (nat instanceof io.kubewalk.sim.net.netfilter.Target.Snat s) {
        return pk.withSrc(s.ip(), s.randomFully() ? 32768 + random.nextInt(28232) : pk.sport());
      }
      boolean randomFully = ((io.kubewalk.sim.net.netfilter.Target.Masquerade) nat).randomFully();
      Ip addr = out.addresses().stream().filter(a -> nextHop != null
          && a.network().contains(nextHop)).findFirst()
          .or(() -> out.addresses().stream().findFirst()).map(a -> a.ip()).orElse(pk.src());
      return pk.withSrc(addr, randomFully ? 32768 + random.nextInt(28232) : pk.sport());
    }

    /** Every endpoint the nat rules could have chosen for this packet, with its probability. */
    private void collectCandidates(NetfilterTables t, Hook hook, PacketContext ctx) {
      for (TraversalResult r : NetfilterEvaluator.enumerate(t, Table.NAT, hook.name(), ctx)) {
        if (r.dnat()) {
          String ep = r.packet().dst() + ":" + r.packet().dport();
          candidates.merge(ep, r.probability(), Double::sum);
        }
      }
    }

    private void emit(NetNamespace ns, Link in, Link out, NetfilterStep s, Packet shown,
        Visit v) {
      if (service == null && s.rule() != null && s.chain().startsWith("KUBE-")) {
        Matcher m = SERVICE_COMMENT.matcher(s.rule());
        if (m.find()) {
          service = m.group(1);
        }
      }
      Step.Kind kind = s.target().startsWith("DNAT") ? Step.Kind.DNAT
          : s.target().startsWith("MASQUERADE") || s.target().startsWith("SNAT")
              ? Step.Kind.SNAT
              : s.target().startsWith("REJECT") ? Step.Kind.REJECT
                  : s.target().startsWith("DROP") ? Step.Kind.DROP : Step.Kind.NETFILTER;
      String where = s.table().lower() + " " + s.chain();
      String detail;
      if (s.policy()) {
        detail = where + ": no rule decided; " + s.target();
      } else if (kind == Step.Kind.DNAT) {
        detail = where + " rule " + s.ruleNumber() + ": DNAT to " + shown.dst() + ":"
            + shown.dport();
      } else if (kind == Step.Kind.SNAT) {
        detail = where + " rule " + s.ruleNumber() + ": " + s.target().split(" ")[0]
            + ", the source becomes " + shown.src() + ":" + shown.sport()
            + (out != null ? " (" + out.name() + "'s address)" : "");
      } else {
        detail = where + " rule " + s.ruleNumber() + " => " + s.target();
      }
      Link dev = out != null ? out : in;
      step(ns, dev, kind, detail, s.rule(), shown, ctLabel(v, shown));
    }

    /** One decision of kube-proxy's nftables table as a step. */
    private void emitNft(NetNamespace ns, Link in, Link out, NftEvaluator.Step st, Packet before,
        Packet after, Packet masq, Visit v) {
      if (service == null) {
        Matcher m = NFT_SERVICE_CHAIN.matcher(st.chain());
        if (m.find()) {
          service = m.group(1) + "/" + m.group(2) + (m.group(3).isEmpty() ? "" : ":" + m.group(3));
        }
      }
      String d = st.detail();
      Step.Kind kind = d.startsWith("DNAT") ? Step.Kind.DNAT : d.startsWith("masquerades")
          ? Step.Kind.SNAT : d.startsWith("rejects") ? Step.Kind.REJECT
              : d.startsWith("drops") ? Step.Kind.DROP : Step.Kind.NFT;
      Packet shown = kind == Step.Kind.SNAT && masq != null ? masq
          : kind == Step.Kind.DNAT ? after : before;
      if (kind == Step.Kind.SNAT && masq != null) {
        d = "masquerades: the source becomes " + masq.src() + ":" + masq.sport() + " ("
            + out.name() + "'s address)";
      }
      step(ns, out != null ? out : in, kind, "nft " + st.hook() + " chain " + st.chain() + ": "
          + d, st.rule(), shown, ctLabel(v, shown));
    }

    private java.util.Set<Ip> localAddresses(NetNamespace ns) {
      java.util.Set<Ip> out = new java.util.HashSet<>();
      ns.links().forEach(l -> l.addresses().forEach(a -> out.add(a.ip())));
      return out;
    }

    /**
     * IPVS at LOCAL_IN (LOCAL_OUT for the node's own traffic): a packet for a virtual service
     * on kube-ipvs0 is scheduled to a real server and DNATed ("Masq" forwarding); null when IPVS
     * has no service for it (ordinary local delivery).
     */
    private Trace ipvs(NetNamespace ns, Link in, Packet pk, Target target, Visit v) {
      IpvsState st = proxy.ipvs(ns.node());
      if (st == null || v == null || !v.fresh) {
        return null;
      }
      IpvsEvaluator ev = ipvs.computeIfAbsent(ns.node(),
          k -> new IpvsEvaluator(st.ipvs(), random.nextInt(1 << 16)));
      IpvsEvaluator.Result r = ev.evaluate(pk);
      lookups += r.lookups();
      if (r.service() == null) {
        return null;
      }
      String hookName = in == null ? "LOCAL_OUT" : "LOCAL_IN";
      if (service == null) {
        service = serviceOf(pk);
      }
      if (r.chosen() == null) {
        step(ns, null, Step.Kind.REJECT, "IPVS (" + hookName + "): "
            + r.steps().get(r.steps().size() - 1).detail(), r.service().listLine(), pk);
        return end(Verdict.REJECTED, where(ns) + " has an IPVS virtual service for " + pk.dst()
            + ":" + pk.dport() + " without real servers, so IPVS answers ICMP port unreachable",
            "check the Service's selector matches Running, Ready pods (kubectl get"
                + " endpointslices); with externalTrafficPolicy: Local, send the traffic to a"
                + " node that runs an endpoint");
      }
      Packet out = r.apply(pk);
      r.candidates().forEach(c -> candidates.merge(c.endpoint(), c.probability(), Double::sum));
      for (IpvsEvaluator.Step s : r.steps()) {
        step(ns, null, s == r.steps().get(r.steps().size() - 1) ? Step.Kind.DNAT
            : Step.Kind.IPVS, "IPVS (" + hookName + "): " + s.detail(), s.line(),
            s == r.steps().get(r.steps().size() - 1) ? out : pk, ctLabel(v, out));
      }
      v.entry.dnatTo(out.dst(), out.dport());
      visit = v;
      return route(ns, null, out, target, false);
    }

    /** The Service port an IPVS virtual service stands for: its ClusterIP, external or LB IP. */
    private String serviceOf(Packet pk) {
      for (Service s : cluster.services()) {
        for (ServicePort p : s.ports()) {
          boolean vip = p.protocol() == pk.proto() && p.port() == pk.dport()
              && (pk.dst().equals(s.clusterIp()) || s.externalIps().contains(pk.dst())
                  || s.loadBalancerIngress().contains(pk.dst()));
          boolean nodePort = p.nodePort() != null && p.nodePort() == pk.dport()
              && p.protocol() == pk.proto() && cluster.nodeWithIp(pk.dst()).isPresent();
          if (vip || nodePort) {
            return s.key() + (p.name().isEmpty() ? "" : ":" + p.name());
          }
        }
      }
      return null;
    }

    private Trace blocked(NetNamespace ns, Hook hook, NetfilterEvaluator.HookResult r,
        Packet pk) {
      NetfilterStep s = last(r.steps());
      String by = s == null ? "a rule" : s.policy() ? "the " + s.table().lower() + " "
          + s.chain() + " chain's policy" : "rule " + s.ruleNumber() + " of " + s.table().lower()
          + " " + s.chain() + " (" + s.rule() + ")";
      boolean reject = r.verdict() == TraversalResult.Verdict.REJECT;
      String why = s != null && s.rule() != null && s.rule().contains("has no endpoints")
          ? ": the Service has no ready endpoints, so kube-proxy rejects its traffic"
          : s != null && s.rule() != null && s.rule().contains("has no local endpoints")
              ? ": externalTrafficPolicy is Local and no endpoint runs on " + ns.node()
              : "";
      String hint = why.contains("no local endpoints") ? "send the traffic to a node that runs"
          + " an endpoint (the load balancer's health check on healthCheckNodePort does this),"
          + " or use externalTrafficPolicy: Cluster"
          : why.contains("no ready endpoints") ? "check the Service's selector matches Running,"
              + " Ready pods (kubectl get endpointslices)" : null;
      return end(reject ? Verdict.REJECTED : Verdict.DROPPED, where(ns) + " "
          + (reject ? "rejects" : "drops") + " the packet at " + hook.name() + ": " + by + why,
          hint);
    }

    // ---- bookkeeping -----------------------------------------------------------------------

    private String where(NetNamespace ns) {
      return dp.nodes().containsValue(ns) ? "node " + ns.node() : ns.name() + " on "
          + ns.node();
    }

    void step(NetNamespace ns, Link dev, Step.Kind kind, String detail, String rule,
        Packet pk) {
      step(ns, dev, kind, detail, rule, pk, null);
    }

    void step(NetNamespace ns, Link dev, Step.Kind kind, String detail, String rule, Packet pk,
        String ct) {
      steps.add(new Step(steps.size(), ns.node(), ns.name(), dev == null ? null : dev.name(),
          kind, detail, rule, pk, ct));
    }

    void step(String node, String netns, String dev, Step.Kind kind, String detail, String rule,
        Packet pk) {
      steps.add(new Step(steps.size(), node, netns, dev, kind, detail, rule, pk, null));
    }

    List<Trace.Flow> flows() {
      List<Trace.Flow> out = new ArrayList<>();
      conntrack.forEach((ns, ct) -> ct.entries().forEach(e ->
          out.add(new Trace.Flow(ns.node(), "conntrack", e.text()))));
      ipvs.forEach((node, ev) -> ev.connections().forEach(c ->
          out.add(new Trace.Flow(node, "ipvs", c.line()))));
      return out;
    }

    private List<Trace.Candidate> candidateList() {
      return candidates.entrySet().stream()
          .map(e -> new Trace.Candidate(e.getKey(), e.getValue())).toList();
    }

    Trace delivered(Trace.Endpoint to, Packet pk) {
      return new Trace(Verdict.DELIVERED, null, null, service, to, pk.src() + ":" + pk.sport(),
          masqueraded, candidateList(), steps, new Trace.Cost(rulesEvaluated, lookups), null,
          flows());
    }

    Trace end(Verdict v, String reason, String hint) {
      return new Trace(v, reason, hint, service, null, null, masqueraded, candidateList(), steps,
          new Trace.Cost(rulesEvaluated, lookups), null, flows());
    }
  }

  // ---- targets -----------------------------------------------------------------------------

  /** Where a packet is sent; {@code dns} is CoreDNS's answer when the target was a name. */
  private record Target(Ip ip, int port, Protocol proto, String noIpReason, String hint,
      String dns) {}

  private Target resolveTarget(Endpoints.To to, Endpoints.From from) {
    if (to instanceof Endpoints.To.Address a) {
      return new Target(a.ip(), a.port(), a.proto(), null, null, null);
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
                + " kubelet can create the pod's sandbox", null);
      }
      return new Target(pod.podIp(), p.port(), p.proto(), null, null, null);
    }
    if (to instanceof Endpoints.To.ServiceRef s) {
      Service svc = cluster.service(s.namespace(), s.name()).orElseThrow(() ->
          new TraceException("no Service " + s.namespace() + "/" + s.name()
              + " in this scenario (see kubectl get svc -A)"));
      ServicePort port = servicePort(svc, s.portName(), s.proto());
      if (svc.type() == Service.Type.ExternalName || svc.headless()) {
        throw new TraceException(noVirtualIp(svc));
      }
      return new Target(svc.clusterIp(), port.port(), port.protocol(), null, null, null);
    }
    Endpoints.To.DnsName d = (Endpoints.To.DnsName) to;
    return resolveDns(d, from);
  }

  private ServicePort servicePort(Service svc, String portName, Protocol proto) {
    for (ServicePort p : svc.ports()) {
      if ((p.name().equals(portName) || String.valueOf(p.port()).equals(portName))
          && (p.protocol() == proto || !String.valueOf(p.port()).equals(portName)
              && p.name().equals(portName))) {
        return p;
      }
    }
    throw new TraceException("Service " + svc.key() + " has no port " + portName + "/"
        + proto.lower() + " (its ports: " + svc.ports().stream().map(p -> (p.name().isEmpty()
            ? "" : p.name() + "=") + p.port() + "/" + p.protocol().lower()).toList() + ")");
  }

  private String noVirtualIp(Service svc) {
    if (svc.type() == Service.Type.ExternalName) {
      return "Service " + svc.key() + " is type ExternalName: it has no ClusterIP and kube-proxy"
          + " writes no rules for it; CoreDNS answers its name with a CNAME to "
          + svc.externalName() + " (trace to that address instead)";
    }
    return "Service " + svc.key() + " is headless (clusterIP: None): kube-proxy writes no rules"
        + " for it; CoreDNS answers its name with the pod IPs " + readyAddresses(svc)
        + " (trace to one of them, or to its DNS name)";
  }

  private List<Ip> readyAddresses(Service svc) {
    List<Ip> out = new ArrayList<>();
    for (EndpointSlice es : cluster.slicesOf(svc)) {
      for (EndpointSlice.Endpoint e : es.endpoints()) {
        if (e.ready() && !out.contains(e.address())) {
          out.add(e.address());
        }
      }
    }
    return out;
  }

  /**
   * A Service DNS name as CoreDNS answers it: {@code NAME.NS.svc.DOMAIN} (or shorter, completed
   * by the pod's search path) gets the ClusterIP, a headless Service the ready pod IPs.
   */
  private Target resolveDns(Endpoints.To.DnsName d, Endpoints.From from) {
    String domain = cluster.config().dnsDomain();
    String clientNs = from instanceof Endpoints.From.PodRef p ? p.namespace() : "default";
    String name = d.name().endsWith(".") ? d.name().substring(0, d.name().length() - 1)
        : d.name();
    String[] labels = name.split("\\.");
    String fqdn;
    if (name.endsWith(".svc." + domain)) {
      fqdn = name;
    } else if (name.endsWith(".svc")) {
      fqdn = name + "." + domain;
    } else if (labels.length == 2) {
      fqdn = name + ".svc." + domain;
    } else if (labels.length == 1) {
      fqdn = name + "." + clientNs + ".svc." + domain;
    } else {
      throw new TraceException("CoreDNS would answer NXDOMAIN for " + d.name() + ": kubewalk"
          + " resolves Service names (NAME, NAME.NS, NAME.NS.svc or NAME.NS.svc." + domain
          + ")");
    }
    String[] f = fqdn.split("\\.");
    Service svc = cluster.service(f[1], f[0]).orElseThrow(() -> new TraceException(
        "CoreDNS answers NXDOMAIN for " + fqdn + ": there is no Service " + f[1] + "/" + f[0]));
    Ip kubeDns = cluster.service("kube-system", "kube-dns").map(Service::clusterIp).orElse(null);
    String asked = "CoreDNS" + (kubeDns == null ? "" : " (Service kube-system/kube-dns, "
        + kubeDns + ":53/udp)") + " answers " + fqdn + ". " + (fqdn.equals(name + ".") || fqdn
            .equals(name) ? "" : "(" + name + " completed by the pod's search path " + clientNs
            + ".svc." + domain + " svc." + domain + " " + domain + ", ndots:5) ");
    if (svc.type() == Service.Type.ExternalName) {
      throw new TraceException(noVirtualIp(svc));
    }
    if (svc.headless()) {
      List<Ip> ips = readyAddresses(svc);
      if (ips.isEmpty()) {
        return new Target(null, d.port(), d.proto(), "headless Service " + svc.key()
            + " has no ready endpoints, so CoreDNS answers NXDOMAIN", null, asked + "NXDOMAIN");
      }
      return new Target(ips.get(0), d.port(), d.proto(), null, null, asked + "A "
          + ips.stream().map(Ip::toString).reduce((a, b) -> a + ", " + b).orElseThrow()
          + " (headless: one record per ready pod; the client takes the first)");
    }
    return new Target(svc.clusterIp(), d.port(), d.proto(), null, null, asked + "A "
        + svc.clusterIp() + " (the ClusterIP)");
  }
}
