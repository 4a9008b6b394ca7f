package io.kubewalk.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubewalk.sim.net.Ip;
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
}
