package io.kubewalk.sim.shell.sockets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.kubewalk.sim.Kubewalk;
import io.kubewalk.sim.Simulation;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The controlplane's TCP listeners of the kubeadm-flannel lesson, opened for real by one python
 * process in a throwaway network namespace: the real {@code ss -ltn} prints the same lines (in
 * its own hash order) as {@code kubewalk exec controlplane -- ss -ltn}.
 */
class RealSsTest {

  private static final String NS = "kw-ss" + ProcessHandle.current().pid() % 1000;

  private static String run(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor(30, TimeUnit.SECONDS);
    return out;
  }

  @Test
  void realSsAlignsTheListenersLikeKubewalk() throws Exception {
    assumeTrue("root".equals(System.getProperty("user.name")), "needs root for a netns");
    Simulation sim = Kubewalk.lesson("kubeadm-flannel");
    var node = sim.cluster().node("controlplane").orElseThrow();
    List<NodeProcesses.Listener> tcp = NodeProcesses.listeners(sim.cluster(), node).stream()
        .filter(l -> l.proto().equals("tcp")).toList();
    StringBuilder py = new StringBuilder("import socket,time\nkeep=[]\n");
    for (NodeProcesses.Listener l : tcp) {
      boolean any = l.address().equals("*");
      py.append("s=socket.socket(socket.AF_INET").append(any ? "6" : "").append(")\n")
          .append("s.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1)\n")
          .append("s.bind(('").append(any ? "::" : l.address()).append("',").append(l.port())
          .append("));s.listen(4096);keep.append(s)\n");
    }
    py.append("print('ready',flush=True)\ntime.sleep(20)\n");
    run("ip", "netns", "del", NS);
    assumeTrue(run("ip", "netns", "add", NS).isEmpty(), "cannot create a netns");
    Process server = null;
    try {
      run("ip", "-n", NS, "link", "set", "lo", "up");
      run("ip", "-n", NS, "addr", "add", "127.0.0.53/8", "dev", "lo");
      run("ip", "-n", NS, "addr", "add", node.internalIp() + "/32", "dev", "lo");
      server = new ProcessBuilder("ip", "netns", "exec", NS, "python3", "-c", py.toString())
          .redirectErrorStream(true).start();
      String ready = new String(server.getInputStream().readNBytes(6), StandardCharsets.UTF_8);
      assertThat(ready).as("the python listener started").isEqualTo("ready\n");
      List<String> real = new ArrayList<>(run("ip", "netns", "exec", NS, "ss", "-ltn").lines()
          .toList());
      List<String> model = new ArrayList<>(Ss.render(tcp, true, false).lines().toList());
      assertThat(real.get(0)).isEqualTo(model.get(0));
      assertThat(real.subList(1, real.size())).containsExactlyInAnyOrderElementsOf(
          model.subList(1, model.size()));
    } finally {
      if (server != null) {
        server.destroyForcibly();
      }
      run("ip", "netns", "del", NS);
    }
  }
}
