package io.kubewalk.sim.graph;

import io.kubewalk.sim.cni.Dataplane;
import io.kubewalk.sim.net.ns.Link;
import io.kubewalk.sim.net.ns.NetNamespace;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jgrapht.Graph;
import org.jgrapht.Graphs;
import org.jgrapht.graph.AsUnmodifiableGraph;
import org.jgrapht.graph.builder.GraphTypeBuilder;

/**
 * The topology as a graph: namespaces and interfaces are vertices (key-only ids such as {@code
 * "node01"} and {@code "node01/cni0"}; their attributes stay in the model), links are edges: an
 * interface in its namespace, the two ends of a veth pair, a bridge and its ports, each node's
 * interfaces on the node network, and the tunnels (VXLAN, IPIP) between nodes. The tracer walks
 * it (veth peers, bridge ports, the node network), the app lays it out and the exports write it;
 * edges with equal labels stay distinct.
 */
public final class TopologyGraph {

  /** The shared node network every node's ethN is attached to. */
  public static final String NODE_NETWORK = "node-network";

  /** An edge; identity is its own, so two edges of one kind never collapse. */
  public static final class Edge {
    private final Kind kind;

    Edge(Kind kind) {
      this.kind = kind;
    }

    public Kind kind() {
      return kind;
    }

    @Override
    public String toString() {
      return kind.name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** What an edge stands for. */
  public enum Kind {
    IN_NAMESPACE,
    VETH,
    BRIDGE_PORT,
    WIRE,
    TUNNEL
  }

  private final Graph<String, Edge> graph;
  private final Map<String, Link> links;
  private final Map<String, String> podOfNamespace;

  private TopologyGraph(Graph<String, Edge> graph, Map<String, Link> links,
      Map<String, String> podOfNamespace) {
    this.graph = new AsUnmodifiableGraph<>(graph);
    this.links = Map.copyOf(links);
    this.podOfNamespace = Map.copyOf(podOfNamespace);
  }

  /** A readable label: pod namespaces are named after their pod ("pod default/web"). */
  public String label(String vertex) {
    String pod = podOfNamespace.get(vertex);
    if (pod != null) {
      return "pod " + pod;
    }
    int slash = vertex.lastIndexOf('/');
    if (slash > 0 && podOfNamespace.containsKey(vertex.substring(0, slash))) {
      return "pod " + podOfNamespace.get(vertex.substring(0, slash)) + " "
          + vertex.substring(slash + 1);
    }
    return vertex;
  }

  /** The graph itself: read-only, for layout, export and path queries. */
  public Graph<String, Edge> graph() {
    return graph;
  }

  /** The interface behind a vertex id, if the vertex is an interface. */
  public Optional<Link> link(String vertex) {
    return Optional.ofNullable(links.get(vertex));
  }

  private List<Link> neighbours(String vertex, Kind kind) {
    List<Link> out = new ArrayList<>();
    for (Edge e : graph.edgesOf(vertex)) {
      if (e.kind() == kind) {
        link(Graphs.getOppositeVertex(graph, e, vertex)).ifPresent(out::add);
      }
    }
    return out;
  }

  /** The other end of a veth pair (the VETH edge). */
  public Optional<Link> peer(Link veth) {
    return neighbours(id(veth), Kind.VETH).stream().findFirst();
  }

  /** A bridge's ports (its BRIDGE_PORT edges), in the order they were attached. */
  public List<Link> ports(Link bridge) {
    return neighbours(id(bridge), Kind.BRIDGE_PORT);
  }

  /** Every interface wired to the node network. */
  public List<Link> onNodeNetwork() {
    return neighbours(NODE_NETWORK, Kind.WIRE);
  }

  public static String id(NetNamespace ns) {
    return ns.node().equals(ns.name()) ? ns.name() : ns.node() + "/" + ns.name();
  }

  public static String id(Link l) {
    return id(l.namespace()) + "/" + l.name();
  }

  public static TopologyGraph of(Dataplane dp) {
    Graph<String, Edge> g = GraphTypeBuilder.<String, Edge>undirected().allowingMultipleEdges(true)
        .allowingSelfLoops(false).weighted(false).buildGraph();
    Map<String, Link> links = new HashMap<>();
    g.addVertex(NODE_NETWORK);
    List<NetNamespace> all = new java.util.ArrayList<>(dp.nodes().values());
    Map<String, String> pods = new HashMap<>();
    dp.cluster().pods().forEach(p -> dp.pod(p).ifPresent(ns -> {
      all.add(ns);
      pods.put(id(ns), p.key());
    }));
    for (NetNamespace ns : all) {
      g.addVertex(id(ns));
      for (Link l : ns.links()) {
        if (l.kind() != Link.Kind.LOOPBACK) {
          g.addVertex(id(l));
          links.put(id(l), l);
          g.addEdge(id(ns), id(l), new Edge(Kind.IN_NAMESPACE));
        }
      }
    }
    for (NetNamespace ns : all) {
      for (Link l : ns.links()) {
        if (l.kind() == Link.Kind.VETH && l.peer() != null
            && id(l).compareTo(id(l.peer())) < 0) {
          g.addEdge(id(l), id(l.peer()), new Edge(Kind.VETH));
        }
        if (l.master() != null) {
          g.addEdge(id(l.master()), id(l), new Edge(Kind.BRIDGE_PORT));
        }
        if (l.kind() == Link.Kind.ETHER) {
          g.addEdge(id(l), NODE_NETWORK, new Edge(Kind.WIRE));
        }
      }
    }
    List<NetNamespace> nodes = List.copyOf(dp.nodes().values());
    for (int i = 0; i < nodes.size(); i++) {
      for (int j = i + 1; j < nodes.size(); j++) {
        for (Link a : nodes.get(i).links()) {
          if (a.kind() == Link.Kind.VXLAN || a.kind() == Link.Kind.IPIP) {
            nodes.get(j).link(a.name()).ifPresent(b -> g.addEdge(id(a), id(b),
                new Edge(Kind.TUNNEL)));
          }
        }
      }
    }
    return new TopologyGraph(g, links, pods);
  }
}
