package io.kubewalk.sim.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.kubewalk.sim.Kubewalk;
import io.kubewalk.sim.Simulation;
import io.kubewalk.sim.trace.Trace;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

class GraphExportTest {

  private final Simulation sim = Kubewalk.lesson("kubeadm-flannel");
  private final Trace trace = sim.trace("pod/default/client", "pod/default/app:80/tcp", 0);

  @Test
  void dotLabelsEveryVertexAndHighlightsTheTracePath() {
    String dot = GraphExport.dot(sim.topology(), trace);
    assertThat(dot).startsWith("graph kubewalk {").contains("label=\"node01/flannel.1\"",
        "label=\"controlplane/cni0\"", "label=\"node-network\"", "label=\"tunnel\"",
        "label=\"pod default/client\"", "label=\"pod default/app eth0\"");
    assertThat(dot.lines().filter(l -> l.contains("color=\"red\"") || l.contains("color=red")))
        .anySatisfy(l -> assertThat(l).contains("node01/flannel.1"));
  }

  @Test
  void graphmlIsWellFormedXmlWithOneNodePerVertex() throws Exception {
    String xml = GraphExport.graphml(sim.topology(), trace);
    Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
        .parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    assertThat(doc.getElementsByTagName("node").getLength())
        .isEqualTo(sim.topology().graph().vertexSet().size());
    assertThat(doc.getElementsByTagName("edge").getLength())
        .isEqualTo(sim.topology().graph().edgeSet().size());
  }

  @Test
  void realGraphvizRendersTheDot(@TempDir Path dir) throws Exception {
    boolean hasDot;
    try {
      hasDot = new ProcessBuilder("dot", "-V").redirectErrorStream(true).start().waitFor() == 0;
    } catch (java.io.IOException e) {
      hasDot = false;
    }
    assumeTrue(hasDot, "Graphviz 'dot' is not installed (CI installs graphviz)");
    Path in = dir.resolve("topo.dot");
    Path out = dir.resolve("topo.svg");
    Files.writeString(in, GraphExport.dot(sim.topology(), trace));
    Process p = new ProcessBuilder("dot", "-Tsvg", "-o", out.toString(), in.toString())
        .redirectErrorStream(true).start();
    String msg = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(msg).isZero();
    assertThat(Files.readString(out)).contains("<svg", "node01/flannel.1");
  }
}
