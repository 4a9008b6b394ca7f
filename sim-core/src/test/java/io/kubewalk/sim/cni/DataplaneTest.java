package io.kubewalk.sim.cni;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubewalk.sim.Kubewalk;
import io.kubewalk.sim.control.Cluster;
import io.kubewalk.sim.net.ns.NetNamespace;
import io.kubewalk.sim.shell.iproute.IpCommand;
import java.util.List;
import org.junit.jupiter.api.Test;

class DataplaneTest {

  private static Dataplane lesson(String name) {
    return Dataplane.build(Kubewalk.lesson(name).cluster());
  }

  private static String ip(Dataplane d, NetNamespace ns, String... args) {
    IpCommand.Result r = new IpCommand(ns, d::netnsId).run(List.of(args));
    assertThat(r.err()).isEmpty();
    return r.out();
  }

  @Test
  void flannelControlPlaneRoutesAreTheSeeds() {
    Dataplane d = lesson("kubeadm-flannel");
    assertThat(ip(d, d.node("controlplane"), "ip", "route")).isEqualTo("""
        default via 169.254.1.1 dev eth0 \n\
        169.254.1.1 dev eth0 scope link \n\
        172.17.0.0/24 dev cni0 proto kernel scope link src 172.17.0.1 \n\
        172.17.1.0/24 via 172.17.1.0 dev flannel.1 onlink \n\
        """);
  }
}
