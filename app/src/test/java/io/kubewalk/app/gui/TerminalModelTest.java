package io.kubewalk.app.gui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubewalk.sim.Kubewalk;
import io.kubewalk.sim.Simulation;
import io.kubewalk.sim.trace.Endpoints;
import io.kubewalk.sim.trace.Trace;
import org.junit.jupiter.api.Test;

class TerminalModelTest {

  private final Simulation sim = Kubewalk.lesson("clusterip");
  private final TerminalModel term = new TerminalModel();

  @Test
  void runsACommandOnANodeOrInAPodAsTheCliPrintsIt() {
    String out = term.run(sim, "pod/default/client", "ip route", null);
    assertThat(out).isEqualTo("pod/default/client # ip route\n"
        + sim.exec("pod/default/client", "ip", "route").out());
    assertThat(term.run(sim, "node01", "iptables-save -t nat", null))
        .startsWith("root@node01:~# iptables-save -t nat\n")
        .contains("-j DNAT --to-destination 10.244.1.2:80").doesNotContain("*filter");
  }

  @Test
  void kubectlGoesToTheEmulatedKubectl() {
    assertThat(term.run(sim, "node01", "kubectl get svc", null))
        .contains(sim.kubectl("get", "svc").out()).contains("10.96.0.80");
  }

  @Test
  void anUnknownCommandSaysWhatIsEmulated() {
    assertThat(term.run(sim, "node01", "bogus", null)).contains("'bogus' is not emulated",
        "ip route");
    assertThat(term.run(sim, "node01", "echo 'oops", null)).contains("unterminated quote");
    assertThat(term.run(sim, "node01", "help", null)).contains("iptables-save", "kubectl");
  }

  @Test
  void conntrackShowsWhatTheLastTraceLeft() {
    Trace t = sim.trace(Endpoints.parseFrom("pod/default/client", null),
        Endpoints.parseTo("svc/default/web:80"), 0, true);
    assertThat(term.run(sim, "node01", "conntrack -L", t)).contains(
        "src=10.244.1.3 dst=10.96.0.80 sport=40702 dport=80", "1 flow entries");
  }

  @Test
  void upAndDownWalkTheHistoryAndDownPastTheNewestRestoresTheDraft() {
    assertThat(term.up("x")).isEqualTo("x");
    term.remember("ip route");
    term.remember("ip addr");
    term.remember("ip addr");
    term.remember("  ");
    assertThat(term.history()).containsExactly("ip route", "ip addr");
    assertThat(term.up("ip ne")).isEqualTo("ip addr");
    assertThat(term.up("ip addr")).isEqualTo("ip route");
    assertThat(term.up("ip route")).isEqualTo("ip route");
    assertThat(term.down()).isEqualTo("ip addr");
    assertThat(term.down()).isEqualTo("ip ne");
    assertThat(term.down()).isEqualTo("ip ne");
  }

  @Test
  void splitsLikeAShell() {
    assertThat(TerminalModel.split("iptables  -t nat -L 'KUBE SERVICES' \"a\\\"b\" c\\ d ''"))
        .containsExactly("iptables", "-t", "nat", "-L", "KUBE SERVICES", "a\"b", "c d", "");
    assertThatThrownBy(() -> TerminalModel.split("echo \"x")).hasMessageContaining("quote");
  }

  @Test
  void targetsAreTheNodesThenThePods() {
    assertThat(TerminalModel.targets(sim)).startsWith("controlplane").contains("node01",
        "pod/default/client", "pod/default/web-1");
  }
}
