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

  @Test
  void flannelCni0IsTheFirstAddressOfThePodCidr() {
    Dataplane d = lesson("kubeadm-flannel");
    String out = ip(d, d.node("controlplane"), "ip", "addr", "show", "type", "bridge");
    assertThat(out).matches("(?s)\\d+: cni0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1360 qdisc"
        + " noqueue state UP group default qlen 1000\n    link/ether [0-9a-f:]{17} brd"
        + " ff:ff:ff:ff:ff:ff\n    inet 172.17.0.1/24 brd 172.17.0.255 scope global cni0\n.*");
  }

  @Test
  void weaveRoutesAreTheSeeds() {
    Dataplane d = lesson("kubeadm-weave");
    assertThat(ip(d, d.node("node01"), "ip", "route")).isEqualTo("""
        default via 172.25.0.1 dev eth1 \n\
        10.244.0.0/16 dev weave proto kernel scope link src 10.244.192.0 \n\
        172.25.0.0/24 dev eth1 proto kernel scope link src 172.25.0.23 \n\
        192.5.113.0/24 dev eth0 proto kernel scope link src 192.5.113.8 \n\
        """);
    Cluster c = d.cluster();
    NetNamespace busybox = d.pod(c.pod("default", "busybox").orElseThrow()).orElseThrow();
    assertThat(ip(d, busybox, "ip", "route")).isEqualTo("""
        default via 10.244.192.0 dev eth0 \n\
        10.244.0.0/16 dev eth0 scope link src 10.244.192.1 \n\
        """);
    assertThat(ip(d, d.node("controlplane"), "ip", "-br", "addr", "show", "weave"))
        .startsWith("weave            UP             10.244.0.1/16 ");
  }

  @Test
  void vethPeersNameEachOthersIfindex() {
    Dataplane d = lesson("kubeadm-flannel");
    Cluster c = d.cluster();
    var pod = c.pod("default", "client").orElseThrow();
    var host = d.hostLink(pod).orElseThrow();
    String inPod = ip(d, d.pod(pod).orElseThrow(), "ip", "link");
    assertThat(inPod).contains("eth0@if" + host.ifindex() + ": ", "link-netnsid 0");
    assertThat(ip(d, d.node("node01"), "ip", "link")).contains(host.name() + "@if2: ",
        "master cni0");
  }

  @Test
  void flannelProgramsOneNeighbourAndFdbEntryPerPeer() {
    Dataplane d = lesson("kubeadm-flannel");
    String neigh = ip(d, d.node("node01"), "ip", "neigh");
    assertThat(neigh).matches("172\\.17\\.0\\.0 dev flannel\\.1 lladdr ([0-9a-f:]{17})"
        + " PERMANENT \n");
    String mac = neigh.split(" ")[4];
    assertThat(ip(d, d.node("node01"), "bridge", "fdb", "show", "dev", "flannel.1"))
        .isEqualTo(mac + " dev flannel.1 dst 192.168.122.177 self permanent\n");
    assertThat(ip(d, d.node("node01"), "ip", "route", "get", "172.17.0.4")).isEqualTo(
        "172.17.0.4 via 172.17.0.0 dev flannel.1 src 172.17.1.0 uid 0 \n    cache \n");
  }

  @Test
  void cniFilesAreTheSeeds() {
    var sim = Kubewalk.lesson("kubeadm-flannel");
    assertThat(sim.exec("controlplane", "ls", "/etc/cni/net.d").out())
        .isEqualTo("10-flannel.conflist\n");
    assertThat(sim.exec("controlplane", "cat", "/etc/cni/net.d/10-flannel.conflist").out())
        .contains("\"name\": \"cbr0\"", "\"type\": \"flannel\"", "\"isDefaultGateway\": true");
    assertThat(sim.exec("controlplane", "ls", "/opt/cni/bin").out()).isEqualTo("""
        bandwidth  dummy     host-device  LICENSE   portmap    sbr     tuning
        bridge     firewall  host-local   loopback  ptp        static  vlan
        dhcp       flannel   ipvlan       macvlan   README.md  tap     vrf
        """);
    assertThat(Kubewalk.lesson("cni-missing").exec("controlplane", "cat",
        "/etc/cni/net.d/10-weave.conflist").out()).contains("\"type\": \"weave-net\"");
  }

  @Test
  void unsupportedCommandsSaySoAndListWhatIsEmulated() {
    var r = Kubewalk.lesson("kubeadm-flannel").exec("controlplane", "ip", "xfrm", "state");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("is not emulated", "ip route get IP");
  }
}
