package io.kubewalk.sim.shell.sockets;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubewalk.sim.Kubewalk;
import io.kubewalk.sim.control.Cluster;
import org.junit.jupiter.api.Test;

class NetstatTest {

  private static String netstat(String lesson, String node) {
    Cluster c = Kubewalk.lesson(lesson).cluster();
    return Netstat.render(NodeProcesses.listeners(c, c.node(node).orElseThrow()), true, true,
        true);
  }

  @Test
  void controlPlaneShowsTheSeedsSockets() {
    String out = netstat("kubeadm-flannel", "controlplane");
    assertThat(out).startsWith("Active Internet connections (only servers)\n"
        + "Proto Recv-Q Send-Q Local Address           Foreign Address         State      "
        + " PID/Program name    \n");
    assertThat(out).contains(
        "tcp        0      0 127.0.0.1:2379          0.0.0.0:*               LISTEN      3251/etcd "
            + "          \n",
        "tcp        0      0 127.0.0.1:2381          0.0.0.0:*               LISTEN      3251/etcd",
        "tcp        0      0 192.168.122.177:2380    0.0.0.0:*               LISTEN      3251/etcd",
        "127.0.0.1:10259         0.0.0.0:*               LISTEN      3618/kube-scheduler \n",
        "127.0.0.1:10257         0.0.0.0:*               LISTEN      3609/kube-controlle \n",
        "127.0.0.1:10249         0.0.0.0:*               LISTEN      4629/kube-proxy",
        "127.0.0.1:10248         0.0.0.0:*               LISTEN      4203/kubelet",
        "tcp6       0      0 :::6443                 :::*                    LISTEN      "
            + "3605/kube-apiserver \n");
  }

  @Test
  void workersRunNoControlPlaneComponents() {
    String out = netstat("kubeadm-flannel", "node01");
    assertThat(out).doesNotContain("etcd", "kube-apiserver", "kube-scheduler")
        .contains(":::10250", "4203/kubelet", "udp        0      0 0.0.0.0:8472");
  }
}
