package io.kubewalk.app.gui;

import io.kubewalk.sim.Simulation;
import io.kubewalk.sim.api.Node;
import io.kubewalk.sim.api.Pod;
import io.kubewalk.sim.graph.TopologyGraph;
import io.kubewalk.sim.net.ns.Link;
import io.kubewalk.sim.net.ns.NetNamespace;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A deliberate layered layout of the topology, computed without JavaFX: one column per node, its
 * pods on top, the node's devices below them, the node network across the bottom. Boxes are keyed
 * by the topology graph's vertex ids, so a trace step's node/netns/device finds its box.
 */
public final class TopologyLayout {

  /** A labelled rectangle. */
  public record Box(String id, double x, double y, double w, double h, String label,
      String kind) {
    double cx() {
      return x + w / 2;
    }

    double cy() {
      return y + h / 2;
    }
  }

  /** A line between two boxes; {@code dashed} for tunnels. */
  public record Line(String from, String to, boolean dashed) {}

  static final double COL = 300;
  static final double POD_W = 124;
  static final double POD_H = 46;
  static final double DEV_W = 120;
  static final double DEV_H = 26;

  private final Map<String, Box> boxes = new LinkedHashMap<>();
  private final List<Line> lines = new ArrayList<>();
  private double width;
  private double height;

  public static TopologyLayout of(Simulation sim) {
    TopologyLayout l = new TopologyLayout();
    l.build(sim);
    return l;
  }

  private void build(Simulation sim) {
    var dp = sim.dataplane();
    TopologyGraph g = sim.topology();
    List<Node> nodes = sim.cluster().nodes();
    double maxY = 0;
    int rows = 1;
    for (Node n : nodes) {
      long count = sim.cluster().podsOn(n.name()).stream()
          .filter(p -> !p.hostNetwork() && dp.pod(p).isPresent()).count();
      rows = Math.max(rows, (int) ((count + 1) / 2));
    }
    double devY = 20 + rows * (POD_H + 12) + 28;
    for (int i = 0; i < nodes.size(); i++) {
      Node n = nodes.get(i);
      double x0 = 20 + i * COL;
      NetNamespace host = dp.node(n.name());
      List<Pod> pods = sim.cluster().podsOn(n.name()).stream()
          .filter(p -> !p.hostNetwork() && dp.pod(p).isPresent()).toList();
      double y = 20;
      for (int k = 0; k < pods.size(); k++) {
        Pod p = pods.get(k);
        NetNamespace ns = dp.pod(p).orElseThrow();
        double px = x0 + 10 + (k % 2) * (POD_W + 10);
        double py = y + (k / 2) * (POD_H + 12);
        String id = TopologyGraph.id(ns);
        String name = p.name().length() > 18 ? p.name().substring(0, 17) + "…" : p.name();
        boxes.put(id, new Box(id, px, py, POD_W, POD_H, name + "\n" + p.podIp(), "pod"));
      }
      String hostId = TopologyGraph.id(host);
      List<Link> devices = host.links().stream().filter(d -> d.kind() == Link.Kind.BRIDGE
          || d.kind() == Link.Kind.VXLAN || d.kind() == Link.Kind.IPIP
          || d.kind() == Link.Kind.ETHER).toList();
      double dy = devY + 30;
      for (Link d : devices) {
        String id = TopologyGraph.id(d);
        String addr = d.addresses().isEmpty() ? "" : " " + d.addresses().get(0);
        boxes.put(id, new Box(id, x0 + 20, dy, COL - 60, DEV_H, d.name() + addr, "device"));
        dy += DEV_H + 10;
      }
      boxes.put(hostId, new Box(hostId, x0, devY, COL - 20, dy - devY + 6,
          n.name() + " (" + n.internalIp() + ")", "node"));
      maxY = Math.max(maxY, dy);
      for (Pod p : pods) {
        String podId = TopologyGraph.id(dp.pod(p).orElseThrow());
        Link hostEnd = dp.hostLink(p).orElseThrow();
        String target = hostEnd.master() != null ? TopologyGraph.id(hostEnd.master()) : hostId;
        lines.add(new Line(podId, target, false));
      }
    }
    double netY = maxY + 40;
    width = 20 + nodes.size() * COL;
    boxes.put(TopologyGraph.NODE_NETWORK, new Box(TopologyGraph.NODE_NETWORK, 20, netY,
        width - 40, 30, "node network", "network"));
    height = netY + 50;
    for (TopologyGraph.Edge e : g.graph().edgeSet()) {
      String a = g.graph().getEdgeSource(e);
      String b = g.graph().getEdgeTarget(e);
      if ((e.kind() == TopologyGraph.Kind.WIRE || e.kind() == TopologyGraph.Kind.TUNNEL)
          && boxes.containsKey(a) && boxes.containsKey(b)) {
        lines.add(new Line(a, b, e.kind() == TopologyGraph.Kind.TUNNEL));
      }
    }
  }

  public Map<String, Box> boxes() {
    return boxes;
  }

  public List<Line> lines() {
    return lines;
  }

  public double width() {
    return width;
  }

  public double height() {
    return height;
  }

  /** The box a trace step happened in: its device if drawn, else its namespace. */
  public Box boxFor(String node, String netns, String device) {
    String ns = node.equals(netns) ? netns : node + "/" + netns;
    if (device != null && boxes.containsKey(ns + "/" + device)) {
      return boxes.get(ns + "/" + device);
    }
    return boxes.getOrDefault(ns, boxes.get(TopologyGraph.NODE_NETWORK));
  }
}
