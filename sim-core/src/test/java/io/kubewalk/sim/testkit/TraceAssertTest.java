package io.kubewalk.sim.testkit;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubewalk.sim.Kubewalk;
import io.kubewalk.sim.Simulation;
import io.kubewalk.sim.trace.Verdict;
import org.junit.jupiter.api.Test;

class TraceAssertTest {

  private final Simulation sim = Kubewalk.lesson("kubeadm-flannel");

  @Test
  void passesOnWhatTheTraceDid() {
    TraceAssert.that(sim.trace("pod/default/client", "pod/default/app:80/tcp", 0))
        .isDelivered()
        .deliveredTo("pod", "default/app")
        .visits("node01/flannel.1")
        .visits("node-network")
        .isEncapsulated("192.168.212.136", "192.168.122.177", 8472, 1)
        .sourceSeenIs("172.17.1.2")
        .matchesRule("172.17.0.0/24 via 172.17.0.0 dev flannel.1 onlink");
    TraceAssert.that(sim.trace("pod/default/client", "pod/default/web:80/tcp", 0))
        .isDelivered().isNotEncapsulated().doesNotVisit("controlplane");
    TraceAssert.that(sim.trace("pod/default/client", "192.168.122.177:6443/tcp", 0))
        .isMasqueraded().sourceSeenIs("192.168.212.136");
  }

  @Test
  void failuresSayWhatWasExpectedAndPrintTheTrace() {
    var t = sim.trace("pod/default/client", "pod/default/web:80/tcp", 0);
    assertThatThrownBy(() -> TraceAssert.that(t).visits("controlplane"))
        .isInstanceOf(AssertionError.class)
        .hasMessageStartingWith("expected the packet to pass controlplane but it did not")
        .hasMessageContaining("The trace:", "BRIDGE", "DELIVERED: pod default/web");
    assertThatThrownBy(() -> TraceAssert.that(t).hasVerdict(Verdict.DROPPED))
        .hasMessageStartingWith("expected verdict DROPPED but was DELIVERED");
    assertThatThrownBy(() -> TraceAssert.that(t).isEncapsulated("1.1.1.1", "2.2.2.2", 8472, 1))
        .hasMessageContaining("expected an ENCAP step 1.1.1.1 -> 2.2.2.2");
  }
}
