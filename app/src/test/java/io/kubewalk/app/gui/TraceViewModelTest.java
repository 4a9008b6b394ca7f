package io.kubewalk.app.gui;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubewalk.sim.Kubewalk;
import io.kubewalk.sim.api.ProxyConfig;
import io.kubewalk.sim.trace.Step;
import org.junit.jupiter.api.Test;

class TraceViewModelTest {

  private final TraceViewModel vm = new TraceViewModel(Kubewalk.lesson("kubeadm-flannel"));

  @Test
  void offersThePodsNodesAndApiserverAsEndpoints() {
    assertThat(vm.sources()).contains("pod/default/client", "node/node01");
    assertThat(vm.targets()).contains("pod/default/app:80/tcp", "192.168.122.177:6443/tcp");
  }

  @Test
  void steppingToTheEncapsulationMarksTheOuterHeaderAsChanged() {
    vm.run("pod/default/client", "pod/default/app:80/tcp");
    int encap = vm.trace().steps().stream().filter(s -> s.kind() == Step.Kind.ENCAP)
        .findFirst().orElseThrow().index();
    while (vm.index() < encap) {
      assertThat(vm.forward()).isTrue();
    }
    assertThat(vm.inspector()).contains("ENCAP", "device flannel.1",
        " * outer 192.168.212.136 -> 192.168.122.177 UDP 8472 VNI 1", "   src   172.17.1.2:",
        "Deciding rule:");
    assertThat(vm.back()).isTrue();
    assertThat(vm.inspector()).contains("   outer -");
  }

  @Test
  void theLastStepShowsTheVerdictAndStepsStopThere() {
    vm.run("pod/default/client", "pod/default/app:80/tcp");
    vm.jump(vm.trace().steps().size() - 1);
    assertThat(vm.forward()).isFalse();
    assertThat(vm.inspector()).contains("DELIVERED: pod default/app");
    vm.restart();
    assertThat(vm.index()).isZero();
    assertThat(vm.events()).hasSize(vm.trace().steps().size());
  }

  @Test
  void offersServicesNodePortsAndExternalClientsAsEndpoints() {
    TraceViewModel np = new TraceViewModel(Kubewalk.lesson("nodeport-vs-clusterip"));
    assertThat(np.targets()).contains("svc/default/web:80", "192.168.56.11:30080/tcp",
        "svc/kube-system/kube-dns:53/udp");
    assertThat(np.sources()).contains("external/" + np.simulation().cluster().clients().get(0)
        .name(), "ip/203.0.113.7 --enter node/node01");
  }

  @Test
  void aFromWithEnterTracesAnOutsidePacketArrivingOnThatNode() {
    TraceViewModel np = new TraceViewModel(Kubewalk.lesson("nodeport-vs-clusterip"));
    np.run(new TraceViewModel.Request("ip/203.0.113.7 --enter node/node01",
        "192.168.56.11:30080/tcp", 3, false, null));
    assertThat(np.trace().masqueraded()).isTrue();
    assertThat(np.summary()).contains("service: default/web-nodeport", "(masqueraded)",
        "candidates:", "50.00%", "<- picked", "rules evaluated");
  }

  @Test
  void theReplyIsPlayedAfterTheForwardStepsAndMarked() {
    TraceViewModel c = new TraceViewModel(Kubewalk.lesson("clusterip"));
    c.run(new TraceViewModel.Request("pod/default/client", "svc/default/web:80", 0, true, null));
    int n = c.trace().steps().size();
    assertThat(c.entries()).hasSize(n + c.trace().reply().steps().size());
    assertThat(c.replyStart()).isEqualTo(n);
    c.jump(n - 1);
    assertThat(c.inspector()).contains("DELIVERED: pod default/web-1",
        "Step on to follow the reply back");
    assertThat(c.forward()).isTrue();
    assertThat(c.current().reply()).isTrue();
    assertThat(c.inspector()).startsWith("REPLY (the answer travelling back) - Step 1 of ")
        .contains("SEND");
    assertThat(c.events().get(n)).startsWith("reply  0  SEND");
    c.jump(c.entries().size() - 1);
    assertThat(c.inspector()).contains("Reply: DELIVERED: pod default/client, source seen as"
        + " 10.96.0.80:80");
    assertThat(c.summary()).contains("reply:", "source seen: 10.96.0.80:80");
  }

  @Test
  void theProxyModeReprogramsTheNodesAndTheSeedPicksTheEndpoint() {
    TraceViewModel c = new TraceViewModel(Kubewalk.lesson("clusterip"));
    assertThat(c.scenarioMode()).isEqualTo(ProxyConfig.Mode.iptables);
    c.run(new TraceViewModel.Request("pod/default/client", "svc/default/web:80", 0, false,
        ProxyConfig.Mode.ipvs));
    assertThat(c.mode()).isEqualTo(ProxyConfig.Mode.ipvs);
    assertThat(c.trace().steps()).anyMatch(s -> s.kind() == Step.Kind.IPVS);
    assertThat(c.simulation(ProxyConfig.Mode.ipvs)).isSameAs(c.simulation());
    c.run(new TraceViewModel.Request("pod/default/client", "svc/default/web:80", 0, false,
        ProxyConfig.Mode.nftables));
    assertThat(c.trace().steps()).anyMatch(s -> s.kind() == Step.Kind.NFT);
    java.util.Set<String> picked = new java.util.TreeSet<>();
    for (long seed = 0; seed < 8; seed++) {
      picked.add(c.run(new TraceViewModel.Request("pod/default/client", "svc/default/web:80",
          seed, false, ProxyConfig.Mode.iptables)).deliveredTo().ip());
    }
    assertThat(picked).containsExactly("10.244.1.2", "10.244.2.2");
  }

  @Test
  void badInputBecomesAOneLineErrorNotAnException() {
    TraceViewModel.Outcome o = vm.compute(new TraceViewModel.Request("pod/default/nope",
        "10.0.0.1:80/tcp", 0, false, null));
    assertThat(o.ok()).isFalse();
    assertThat(o.error()).isNotBlank().doesNotContain("\n").doesNotContain("Exception");
    TraceViewModel.Outcome bad = vm.compute(new TraceViewModel.Request("pod/default/client",
        "10.0.0.1", 0, false, null));
    assertThat(bad.error()).contains("10.0.0.1");
    TraceViewModel.Outcome ip = vm.compute(new TraceViewModel.Request("ip/10.0.0.9",
        "10.0.0.1:80/tcp", 0, false, null));
    assertThat(ip.error()).contains("--enter");
    vm.accept(bad);
    assertThat(vm.trace()).isNull();
    assertThat(vm.inspector()).isEqualTo(bad.error());
    assertThat(vm.entries()).isEmpty();
    assertThat(vm.forward()).isFalse();
  }
}
