package io.kubewalk.sim.proxy.iptables;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubewalk.sim.api.EndpointSlice;
import io.kubewalk.sim.api.ProxyConfig;
import io.kubewalk.sim.api.Service;
import io.kubewalk.sim.net.Cidr;
import io.kubewalk.sim.net.Ip;
import io.kubewalk.sim.proxy.ProxyInput;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Configuration and policy variants, checked against the lines proxier.go writes for them. */
class IptablesProxierConfigTest {

  static final IptablesProxier FAKE = new IptablesProxier(IptablesProxier.Options.upstreamFake());

  static ProxyInput input(ProxyConfig cfg, List<Service> svcs, List<EndpointSlice> slices) {
    return new ProxyInput(Fixtures.NODE, Fixtures.NODE_IPS, Cidr.parse("10.0.5.0/24"), cfg, svcs,
        slices);
  }

  static Service nodePortSvc(Service.TrafficPolicy etp) {
    return Fixtures.svc("ns", "web", Service.Type.NodePort, "172.30.0.10",
        List.of(Fixtures.port("http", 80, 30080)), etp, List.of(), List.of(), List.of(), null,
        false, 0);
  }

  static EndpointSlice slice(EndpointSlice.Endpoint... eps) {
    return Fixtures.slice("ns", "web", "http", 8080, eps);
  }

  static ProxyConfig cfg(Cidr cluster, boolean masqAll, String mode, List<String> npa,
      boolean localhost) {
    return new ProxyConfig(ProxyConfig.Mode.iptables, cluster, masqAll, mode, npa, 14, localhost,
        "rr");
  }

  @Test
  void masqueradeAllMarksEveryClusterIpConnection() {
    String out = FAKE.restoreInput(input(cfg(Cidr.parse("10.0.0.0/8"), true, "ClusterCIDR",
        List.of(), true), List.of(nodePortSvc(Service.TrafficPolicy.Cluster)),
        List.of(slice(Fixtures.ep("10.0.5.7", Fixtures.NODE)))));
    assertThat(out).contains("-A KUBE-SVC-" + ChainNames.hash("ns/web:httptcp")
        + " -m comment --comment \"ns/web:http cluster IP\" -m tcp -p tcp -d 172.30.0.10"
        + " --dport 80 -j KUBE-MARK-MASQ\n");
  }

  @Test
  void noClusterCidrMeansNoLocalTrafficDetection() {
    String out = FAKE.restoreInput(input(cfg(null, false, "ClusterCIDR", List.of(), true),
        List.of(nodePortSvc(Service.TrafficPolicy.Local)),
        List.of(slice(Fixtures.ep("10.0.5.7", Fixtures.NODE)))));
    assertThat(out).doesNotContain("! -s 10.").doesNotContain("pod traffic for");
  }

  @Test
  void nodeCidrModeUsesThePodCidr() {
    String out = FAKE.restoreInput(input(cfg(Cidr.parse("10.0.0.0/8"), false, "NodeCIDR",
        List.of(), true), List.of(nodePortSvc(Service.TrafficPolicy.Cluster)),
        List.of(slice(Fixtures.ep("10.0.5.7", Fixtures.NODE)))));
    assertThat(out).contains("! -s 10.0.5.0/24 -j KUBE-MARK-MASQ").doesNotContain("10.0.0.0/8");
  }

  @Test
  void nodePortAddressesListsEachMatchingNodeIp() {
    String out = FAKE.restoreInput(input(cfg(Cidr.parse("10.0.0.0/8"), false, "ClusterCIDR",
        List.of("192.168.0.0/24", "127.0.0.0/8"), false),
        List.of(nodePortSvc(Service.TrafficPolicy.Cluster)),
        List.of(slice(Fixtures.ep("10.0.5.7", Fixtures.NODE)))));
    String last = "-A KUBE-SERVICES -m comment --comment \"kubernetes service nodeports; NOTE:"
        + " this must be the last rule in this chain\"";
    assertThat(out).contains(last + " -d 192.168.0.2 -j KUBE-NODEPORTS\n")
        .doesNotContain(last + " -d 127.0.0.1").doesNotContain("--dst-type LOCAL -j KUBE-NODEPORTS")
        .doesNotContain("KUBE-FIREWALL");
  }

  @Test
  void localhostNodePortsOffExcludesLoopback() {
    String out = FAKE.restoreInput(input(cfg(Cidr.parse("10.0.0.0/8"), false, "ClusterCIDR",
        List.of(), false), List.of(nodePortSvc(Service.TrafficPolicy.Cluster)),
        List.of(slice(Fixtures.ep("10.0.5.7", Fixtures.NODE)))));
    assertThat(out).contains("-m addrtype --dst-type LOCAL ! -d 127.0.0.0/8 -j KUBE-NODEPORTS")
        .doesNotContain("127.0.0.0/8 --dport").doesNotContain(":KUBE-FIREWALL");
  }

  @Test
  void externalTrafficPolicyLocalWithALocalEndpointUsesTheSvlChain() {
    String svl = ChainNames.local("ns/web:http", "tcp");
    String ext = ChainNames.external("ns/web:http", "tcp");
    String out = FAKE.restoreInput(input(Fixtures.fakeConfig(),
        List.of(nodePortSvc(Service.TrafficPolicy.Local)),
        List.of(slice(Fixtures.ep("10.0.5.7", Fixtures.NODE), Fixtures.ep("10.0.6.7", "other")))));
    assertThat(out).contains(":" + svl + " - [0:0]").contains("-A " + ext + " -j " + svl + "\n")
        .contains("-A " + svl + " -m comment --comment \"ns/web:http -> 10.0.5.7:8080\" -j KUBE-SEP-")
        .doesNotContain("has no local endpoints");
  }

  @Test
  void internalTrafficPolicyLocalWithoutLocalEndpointsDropsClusterIpTraffic() {
    Service s = new Service("ns", "web", Service.Type.ClusterIP, Ip.parse("172.30.0.10"), false,
        List.of(Fixtures.port("http", 80, null)), null, Service.TrafficPolicy.Cluster,
        Service.TrafficPolicy.Local, false, 0, List.of(), List.of(), List.of(), null, null, false);
    String out = FAKE.restoreInput(input(Fixtures.fakeConfig(), List.of(s),
        List.of(slice(Fixtures.ep("10.0.6.7", "other")))));
    assertThat(out).contains("-A KUBE-SERVICES -m comment --comment \"ns/web:http has no local"
        + " endpoints\" -m tcp -p tcp -d 172.30.0.10 --dport 80 -j DROP");
  }

  @Test
  void terminatingServingEndpointsAreAFallback() {
    EndpointSlice.Endpoint term = new EndpointSlice.Endpoint(Ip.parse("10.0.6.9"), false, true,
        true, "other", null);
    EndpointSlice.Endpoint gone = new EndpointSlice.Endpoint(Ip.parse("10.0.6.8"), false, false,
        true, "other", null);
    String out = FAKE.restoreInput(input(Fixtures.fakeConfig(),
        List.of(nodePortSvc(Service.TrafficPolicy.Cluster)), List.of(slice(term, gone))));
    assertThat(out).contains("--to-destination 10.0.6.9:8080").doesNotContain("10.0.6.8:8080");
  }

  @Test
  void headlessAndExternalNameServicesGetNoRules() {
    Service headless = new Service("ns", "db", Service.Type.ClusterIP, null, true,
        List.of(Fixtures.port("sql", 5432, null)), null, Service.TrafficPolicy.Cluster,
        Service.TrafficPolicy.Cluster, false, 0, List.of(), List.of(), List.of(), null, null,
        false);
    Service extName = new Service("ns", "ext", Service.Type.ExternalName, null, false,
        List.of(), null, Service.TrafficPolicy.Cluster, Service.TrafficPolicy.Cluster, false, 0,
        List.of(), List.of(), List.of(), "example.com", null, false);
    String out = FAKE.restoreInput(input(Fixtures.fakeConfig(), List.of(headless, extName),
        List.of(Fixtures.slice("ns", "db", "sql", 5432, Fixtures.ep("10.0.5.3", null)))));
    assertThat(out).doesNotContain("ns/db").doesNotContain("ns/ext");
  }

  @Test
  void realKubeProxyPrintsTheMarkWithGoPaddingAndRandomFully() {
    String out = new IptablesProxier().restoreInput(input(Fixtures.fakeConfig(), List.of(),
        List.of()));
    assertThat(out).contains("-A KUBE-MARK-MASQ -j MARK --or-mark 0x00004000\n")
        .contains("-j MASQUERADE --random-fully\n");
  }

  @Test
  void threeEndpointsGetOneThirdThenOneHalf() {
    String out = FAKE.restoreInput(input(Fixtures.fakeConfig(),
        List.of(nodePortSvc(Service.TrafficPolicy.Cluster)),
        List.of(slice(Fixtures.ep("10.0.5.1", null), Fixtures.ep("10.0.5.2", null),
            Fixtures.ep("10.0.5.3", null)))));
    assertThat(out).contains("-> 10.0.5.1:8080\" -m statistic --mode random --probability"
        + " 0.3333333333 -j").contains("-> 10.0.5.2:8080\" -m statistic --mode random"
        + " --probability 0.5000000000 -j").contains("-> 10.0.5.3:8080\" -j KUBE-SEP-");
  }
}
