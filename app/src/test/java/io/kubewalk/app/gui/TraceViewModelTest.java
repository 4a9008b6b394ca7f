package io.kubewalk.app.gui;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubewalk.sim.Kubewalk;
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
}
