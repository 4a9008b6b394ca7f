package io.kubewalk.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubewalk.sim.net.Ip;
import io.kubewalk.sim.testkit.TraceAssert;
import org.junit.jupiter.api.Test;

class ReadmeExampleTest {

  @Test
  void theKubernetesServiceHasTheFirstServiceIp() {
    Simulation sim = Kubewalk.lesson("kubeadm-flannel");

    assertThat(sim.cluster().service("default", "kubernetes").orElseThrow().clusterIp())
        .isEqualTo(Ip.parse("10.96.0.1"));
    assertThat(sim.kubectl("get", "svc", "-n", "kube-system").out())
        .contains("53/UDP,53/TCP,9153/TCP");
  }

  @Test
  void aNodePortFromOutsideIsMasqueradedAfterTheDnat() {
    Simulation sim = Kubewalk.lesson("nodeport-vs-clusterip");

    TraceAssert.that(sim.trace("external/laptop", "192.168.56.11:30080/tcp", 3))
        .isDelivered()
        .hasCandidates("10.244.1.2:80", "10.244.2.2:80")     // KUBE-SVC's 50/50 choice
        .rewritesDestinationTo("10.244.2.2:80")               // KUBE-SEP's DNAT (seed 3)
        .visits("node01/flannel.1")
        .isMasqueraded()
        .rewritesSourceTo("10.244.1.0")                       // MASQUERADE to flannel.1's address
        .sourceSeenIs("10.244.1.0");
  }
}
