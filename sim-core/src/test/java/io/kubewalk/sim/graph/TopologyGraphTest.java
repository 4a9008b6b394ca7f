package io.kubewalk.sim.graph;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubewalk.sim.Kubewalk;
import io.kubewalk.sim.Simulation;
import io.kubewalk.sim.cni.Dataplane;
import io.kubewalk.sim.net.ns.Link;
import java.util.List;
import org.jgrapht.Graph;
import org.jgrapht.GraphPath;
import org.jgrapht.alg.shortestpath.DijkstraShortestPath;
import org.junit.jupiter.api.Test;

class TopologyGraphTest {

  @Test
  void podsOnTwoFlannelNodesAreJoinedByVethBridgeAndTunnel() {
    Simulation sim = Kubewalk.lesson("kubeadm-flannel");
    Dataplane dp = sim.dataplane();
    Graph<String, TopologyGraph.Edge> g = TopologyGraph.of(dp).graph();
    Link client = dp.pod(sim.cluster().pod("default", "client").orElseThrow()).orElseThrow()
        .link("eth0").orElseThrow();
    Link app = dp.pod(sim.cluster().pod("default", "app").orElseThrow()).orElseThrow()
        .link("eth0").orElseThrow();
    GraphPath<String, TopologyGraph.Edge> path = DijkstraShortestPath.findPathBetween(g,
        TopologyGraph.id(client), TopologyGraph.id(app));
    assertThat(path).isNotNull();
    assertThat(path.getVertexList()).contains("node01/flannel.1", "controlplane/flannel.1");
    assertThat(path.getEdgeList()).extracting(TopologyGraph.Edge::kind)
        .contains(TopologyGraph.Kind.VETH, TopologyGraph.Kind.TUNNEL);
    assertThat(g.edgesOf("node01/cni0")).filteredOn(e -> e.kind()
        == TopologyGraph.Kind.BRIDGE_PORT).hasSize(2);
    assertThat(g.edgeSet()).filteredOn(e -> e.kind() == TopologyGraph.Kind.TUNNEL).hasSize(1);
    assertThat(g.edgeSet()).filteredOn(e -> e.kind() == TopologyGraph.Kind.WIRE).hasSize(2);
  }

  @Test
  void aPodWithoutASandboxHasNoVertex() {
    Graph<String, TopologyGraph.Edge> g = TopologyGraph.of(Kubewalk.lesson("cni-missing")
        .dataplane()).graph();
    assertThat(g.vertexSet()).noneMatch(v -> v.contains("cni-"));
    assertThat(List.copyOf(g.vertexSet())).contains("controlplane/eth0", "node01/eth0");
  }
}
