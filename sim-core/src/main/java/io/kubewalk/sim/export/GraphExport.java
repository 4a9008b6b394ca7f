package io.kubewalk.sim.export;

import io.kubewalk.sim.graph.TopologyGraph;
import io.kubewalk.sim.trace.Step;
import io.kubewalk.sim.trace.Trace;
import java.io.StringWriter;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.jgrapht.Graph;
import org.jgrapht.nio.Attribute;
import org.jgrapht.nio.DefaultAttribute;
import org.jgrapht.nio.dot.DOTExporter;
import org.jgrapht.nio.graphml.GraphMLExporter;

/**
 * The topology graph as Graphviz DOT or GraphML (through jgrapht-io), optionally with a trace's
 * path highlighted: the namespaces and devices the packet visited are drawn red.
 */
public final class GraphExport {

  private GraphExport() {}

  public static String dot(TopologyGraph topology, Trace trace) {
    Graph<String, TopologyGraph.Edge> g = topology.graph();
    Set<String> visited = visited(trace);
    Map<String, String> ids = ids(g);
    DOTExporter<String, TopologyGraph.Edge> ex = new DOTExporter<>(ids::get);
    ex.setGraphIdProvider(() -> "kubewalk");
    ex.setGraphAttributeProvider(() -> {
      Map<String, Attribute> m = new LinkedHashMap<>();
      m.put("rankdir", DefaultAttribute.createAttribute("LR"));
      m.put("fontname", DefaultAttribute.createAttribute("Helvetica"));
      return m;
    });
    ex.setVertexAttributeProvider(v -> {
      Map<String, Attribute> m = new LinkedHashMap<>();
      m.put("label", DefaultAttribute.createAttribute(topology.label(v)));
      boolean device = topology.link(v).isPresent();
      m.put("shape", DefaultAttribute.createAttribute(device ? "ellipse" : "box"));
      if (visited.contains(v)) {
        m.put("color", DefaultAttribute.createAttribute("red"));
        m.put("penwidth", DefaultAttribute.createAttribute(3));
      }
      return m;
    });
    ex.setEdgeAttributeProvider(e -> {
      Map<String, Attribute> m = new LinkedHashMap<>();
      m.put("label", DefaultAttribute.createAttribute(e.toString()));
      String a = g.getEdgeSource(e);
      String b = g.getEdgeTarget(e);
      if (visited.contains(a) && visited.contains(b)) {
        m.put("color", DefaultAttribute.createAttribute("red"));
        m.put("penwidth", DefaultAttribute.createAttribute(3));
      }
      return m;
    });
    StringWriter w = new StringWriter();
    ex.exportGraph(g, w);
    return w.toString();
  }

  public static String graphml(TopologyGraph topology, Trace trace) {
    Graph<String, TopologyGraph.Edge> g = topology.graph();
    Set<String> visited = visited(trace);
    Map<String, String> ids = ids(g);
    GraphMLExporter<String, TopologyGraph.Edge> ex = new GraphMLExporter<>(ids::get);
    ex.registerAttribute("label", GraphMLExporter.AttributeCategory.ALL,
        org.jgrapht.nio.AttributeType.STRING);
    ex.registerAttribute("kind", GraphMLExporter.AttributeCategory.ALL,
        org.jgrapht.nio.AttributeType.STRING);
    ex.registerAttribute("onPath", GraphMLExporter.AttributeCategory.NODE,
        org.jgrapht.nio.AttributeType.BOOLEAN);
    ex.setVertexAttributeProvider(v -> Map.of(
        "label", DefaultAttribute.createAttribute(topology.label(v)),
        "kind", DefaultAttribute.createAttribute(topology.link(v).isPresent() ? "interface"
            : "namespace"),
        "onPath", DefaultAttribute.createAttribute(visited.contains(v))));
    ex.setEdgeAttributeProvider(e -> Map.of("kind",
        DefaultAttribute.createAttribute(e.kind().name())));
    StringWriter w = new StringWriter();
    ex.exportGraph(g, w);
    return w.toString();
  }

  /** Vertex ids in DOT/GraphML: v0, v1, ... in the graph's (deterministic) vertex order. */
  private static Map<String, String> ids(Graph<String, TopologyGraph.Edge> g) {
    Map<String, String> ids = new HashMap<>();
    for (String v : g.vertexSet()) {
      ids.put(v, "v" + ids.size());
    }
    return ids;
  }

  private static Set<String> visited(Trace trace) {
    Set<String> out = new HashSet<>();
    if (trace == null) {
      return out;
    }
    for (Step s : trace.steps()) {
      String ns = s.node().equals(s.netns()) ? s.netns() : s.node() + "/" + s.netns();
      out.add(ns);
      if (s.device() != null) {
        out.add(ns + "/" + s.device());
      }
      if (s.kind() == Step.Kind.WIRE && s.device() == null) {
        out.add(TopologyGraph.NODE_NETWORK);
      }
    }
    return out;
  }
}
