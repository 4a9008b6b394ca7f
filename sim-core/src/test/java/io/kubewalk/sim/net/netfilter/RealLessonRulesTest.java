package io.kubewalk.sim.net.netfilter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.kubewalk.sim.Kubewalk;
import io.kubewalk.sim.Simulation;
import io.kubewalk.sim.api.ProxyConfig;
import io.kubewalk.sim.net.ipvs.IpSet;
import io.kubewalk.sim.net.netfilter.RealIptablesRestoreTest.Run;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every node of every built-in lesson, with kube-proxy in iptables and in IPVS mode (its ipsets
 * created first): what {@code kubewalk exec NODE -- iptables-save} prints
 * is loaded by the real {@code iptables-restore} into a throwaway network namespace, and the real
 * {@code iptables-save} reads back the same rules (kubelet's, the CNI plugin's, kube-proxy's).
 */
class RealLessonRulesTest {

  private static final String NS = "kw-ipt" + ProcessHandle.current().pid() % 1000;

  static Stream<Arguments> nodes() {
    return Kubewalk.lessons().stream().flatMap(l -> Kubewalk.lesson(l.name()).cluster().nodes()
        .stream().flatMap(n -> Stream.of(ProxyConfig.Mode.iptables, ProxyConfig.Mode.ipvs)
            .map(m -> Arguments.of(l.name(), n.name(), m))));
  }

  @ParameterizedTest(name = "{0} {1} {2}")
  @MethodSource("nodes")
  void realIptablesRestoreLoadsTheNodesRules(String lesson, String node, ProxyConfig.Mode mode)
      throws Exception {
    assumeTrue("root".equals(System.getProperty("user.name")), "not root: cannot create netns");
    assumeTrue(RealIptablesRestoreTest.exists("ip")
        && RealIptablesRestoreTest.exists("iptables-restore")
        && RealIptablesRestoreTest.exists("nfacct") && RealIptablesRestoreTest.exists("ipset"),
        "ip, iptables-restore, nfacct or ipset missing");
    Simulation sim = Kubewalk.lesson(lesson).withProxyMode(mode);
    String text = sim.exec(node, "iptables-save").out();
    RealIptablesRestoreTest.run(null, "ip", "netns", "del", NS);
    Run add = RealIptablesRestoreTest.run(null, "ip", "netns", "add", NS);
    assumeTrue(add.code() == 0, "cannot create network namespace: " + add.out());
    try {
      for (List<String> setup : List.of(
          List.of("nfacct", "add", "ct_state_invalid_dropped_pkts"),
          List.of("nfacct", "add", "localhost_nps_accepted_pkts"),
          List.of("ipset", "create", "cali40masq-ipam-pools", "hash:net"),
          List.of("ipset", "create", "cali40all-ipam-pools", "hash:net"))) {
        Run r = RealIptablesRestoreTest.run(null, Stream.concat(Stream.of("ip", "netns", "exec",
            NS), setup.stream()).toArray(String[]::new));
        assumeTrue(r.code() == 0, String.join(" ", setup) + ": " + r.out());
      }
      if (sim.kubeProxy().ipvs(node) != null) {
        for (IpSet set : sim.kubeProxy().ipvs(node).ipsets()) {
          List<String> create = new java.util.ArrayList<>(List.of("ip", "netns", "exec", NS,
              "ipset", "create", set.name(), set.type().text()));
          if (set.type() == IpSet.Type.BITMAP_PORT) {
            create.addAll(List.of("range", "0-65535"));
          }
          Run r = RealIptablesRestoreTest.run(null, create.toArray(String[]::new));
          assertThat(r.code()).as(r.out()).isZero();
        }
      }
      Run restore = RealIptablesRestoreTest.run(text, "ip", "netns", "exec", NS,
          "iptables-restore");
      assertThat(restore.code()).as(restore.out()).isZero();
      Run save = RealIptablesRestoreTest.run(null, "ip", "netns", "exec", NS, "iptables-save");
      assertThat(IptablesRestore.parse(save.out()))
          .isEqualTo(sim.kubeProxy().iptables(node));
    } finally {
      RealIptablesRestoreTest.run(null, "ip", "netns", "del", NS);
    }
  }

}
