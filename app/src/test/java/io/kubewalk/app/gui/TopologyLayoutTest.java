package io.kubewalk.app.gui;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubewalk.sim.Kubewalk;
import io.kubewalk.sim.Simulation;
import io.kubewalk.sim.trace.Step;
import io.kubewalk.sim.trace.Trace;
import org.junit.jupiter.api.Test;

class TopologyLayoutTest {

  private final Simulation sim = Kubewalk.lesson("kubeadm-flannel");
  private final TopologyLayout layout = TopologyLayout.of(sim);

  @Test
  void eachNodeIsAColumnHoldingItsDevicesWithItsPodsAbove() {
    TopologyLayout.Box cp = layout.boxes().get("controlplane");
    TopologyLayout.Box n1 = layout.boxes().get("node01");
    assertThat(cp.label()).isEqualTo("controlplane (192.168.122.177)");
    assertThat(n1.x()).isGreaterThanOrEqualTo(cp.x() + cp.w());
    TopologyLayout.Box cni0 = layout.boxes().get("node01/cni0");
    assertThat(cni0.label()).isEqualTo("cni0 172.17.1.1/24");
    assertThat(cni0.y()).isBetween(n1.y(), n1.y() + n1.h());
    assertThat(layout.boxes().values()).filteredOn(b -> b.kind().equals("pod"))
        .anySatisfy(b -> {
          assertThat(b.label()).isEqualTo("client\n172.17.1.2");
          assertThat(b.y() + b.h()).isLessThan(n1.y());
        });
    assertThat(layout.lines()).anyMatch(TopologyLayout.Line::dashed);
  }

  @Test
  void everyStepOfATraceLandsOnABox() {
    Trace t = sim.trace("pod/default/client", "pod/default/app:80/tcp", 0);
    for (Step s : t.steps()) {
      assertThat(layout.boxFor(s.node(), s.netns(), s.device())).as("step %d", s.index())
          .isNotNull();
    }
    Step encap = t.steps().stream().filter(s -> s.kind() == Step.Kind.ENCAP).findFirst()
        .orElseThrow();
    assertThat(layout.boxFor(encap.node(), encap.netns(), encap.device()).id())
        .isEqualTo("node01/flannel.1");
  }
}
