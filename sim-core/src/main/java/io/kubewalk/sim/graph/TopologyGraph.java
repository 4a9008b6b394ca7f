package io.kubewalk.sim.graph;

import io.kubewalk.sim.cni.Dataplane;
import io.kubewalk.sim.net.ns.Link;
import io.kubewalk.sim.net.ns.NetNamespace;
import java.util.List;
import org.jgrapht.Graph;
import org.jgrapht.graph.AsUnmodifiableGraph;
import org.jgrapht.graph.builder.GraphTypeBuilder;

/**
 * The topology as a graph: namespaces and interfaces are vertices (key-only ids such as {@code
 * "node01"} and {@code "node01/cni0"}; their attributes stay in the model), links are edges: an
 * interface in its namespace, the two ends of a veth pair, a bridge and its ports, each node's
 * interfaces on the node network, and the tunnels (VXLAN, IPIP) between nodes. The app lays it out
 * and the exports write it; edges with equal labels stay distinct.
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

  private TopologyGraph() {}

  public static String id(NetNamespace ns) {
    return ns.node().equals(ns.name()) ? ns.name() : ns.node() + "/" + ns.name();
  }

  public static String id(Link l) {
    return id(l.namespace()) + "/" + l.name();
  }

  public static Graph<String, Edge> of(Dataplane dp) {
    Graph<String, Edge> g = GraphTypeBuilder.<String, Edge>undirected().allowingMultipleEdges(true)
        .allowingSelfLoops(false).weighted(false).buildGraph();
    g.addVertex(NODE_NETWORK);
    List<NetNamespace> all = new java.util.ArrayList<>(dp.nodes().values());
    dp.cluster().pods().forEach(p -> dp.pod(p).ifPresent(all::add));
    for (NetNamespace ns : all) {
      g.addVertex(id(ns));
      for (Link l : ns.links()) {
        if (l.kind() != Link.Kind.LOOPBACK) {
          g.addVertex(id(l));
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
    return new AsUnmodifiableGraph<>(g);
  }
}
