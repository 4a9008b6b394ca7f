package io.kubewalk.sim.proxy.nftables;

import static io.kubewalk.sim.proxy.nftables.ProxyFixtures.ep;
import static io.kubewalk.sim.proxy.nftables.ProxyFixtures.slice;
import static io.kubewalk.sim.proxy.nftables.ProxyFixtures.svc;
import static org.assertj.core.api.Assertions.assertThat;

import io.kubewalk.sim.api.ProxyConfig;
import io.kubewalk.sim.api.Service;
import io.kubewalk.sim.net.Cidr;
import io.kubewalk.sim.net.Ip;
import io.kubewalk.sim.net.Protocol;
import io.kubewalk.sim.net.nftables.NftTable;
import io.kubewalk.sim.proxy.ProxyInput;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NftablesProxierTest {

  static final Protocol TCP = Protocol.TCP;

  /** The inputs of upstream's TestOverallNFTablesRules (NewFakeProxier conventions). */
  static ProxyInput overallInput() {
    ProxyConfig cfg = ProxyConfig.defaults().withMode(ProxyConfig.Mode.nftables)
        .withClusterCidr(Cidr.parse("10.0.0.0/8"));
    cfg = new ProxyConfig(cfg.mode(), cfg.clusterCidr(), false, "ClusterCIDR",
        List.of("192.168.0.2/32"), 14, true, "rr");
    List<Service> services = List.of(
        svc("ns1", "svc1").clusterIp("172.30.0.41").port("p80", TCP, 80, null).build(),
        svc("ns2", "svc2").type(Service.Type.LoadBalancer).etpLocal().clusterIp("172.30.0.42")
            .port("p80", TCP, 80, 3001).lb("1.2.3.4").externalIp("192.168.99.22")
            .healthCheckNodePort(30000).build(),
        svc("ns3", "svc3").type(Service.Type.NodePort).clusterIp("172.30.0.43")
            .port("p80", TCP, 80, 3003).build(),
        svc("ns4", "svc4").type(Service.Type.NodePort).clusterIp("172.30.0.44")
            .externalIp("192.168.99.33").port("p80", TCP, 80, null).build(),
        svc("ns5", "svc5").type(Service.Type.LoadBalancer).clusterIp("172.30.0.45")
            .port("p80", TCP, 80, 3002).lb("5.6.7.8").healthCheckNodePort(30000)
            .sourceRange(" 203.0.113.0/25").affinity(10800).build(),
        svc("ns6", "svc6").clusterIp("172.30.0.46").port("p80", TCP, 80, null).build());
    var slices = List.of(
        slice("ns1", "svc1", "p80", TCP, 80, ep("10.180.0.1", null)),
        slice("ns2", "svc2", "p80", TCP, 80, ep("10.180.0.2", null)),
        slice("ns3", "svc3", "p80", TCP, 80, ep("10.180.0.3", null)),
        slice("ns4", "svc4", "p80", TCP, 80, ep("10.180.0.4", null),
            ep("10.180.0.5", "test-node")),
        slice("ns5", "svc5", "p80", TCP, 80, ep("10.180.0.3", null)));
    return new ProxyInput("test-node",
        List.of(Ip.parse("192.168.0.2"), Ip.parse("192.168.1.2"), Ip.parse("192.168.99.11")),
        Cidr.parse("10.0.0.0/24"), cfg, services, slices);
  }

  static NftTable overallTable() {
    return new NftablesProxier(List.of(Cidr.parse("172.30.0.0/16"))).sync(overallInput());
  }

  static String resource(String name) throws IOException {
    try (InputStream in = NftablesProxierTest.class.getResourceAsStream(name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /**
   * Upstream's sortNFTablesTransaction: ignore blank lines and comments, order objects by type
   * then name, keep rules of one chain in their order, sort the other lines of one object.
   */
  static List<String> canonical(String transaction) {
    Map<String, Integer> order = Map.of("table", 0, "set", 1, "map", 2, "chain", 3, "rule", 4,
        "element", 5);
    List<String> lines = new ArrayList<>();
    for (String l : transaction.split("\n")) {
      if (!l.isBlank() && !l.startsWith("#")) {
        lines.add(l.trim());
      }
    }
    Comparator<String> c = Comparator.comparing((String l) -> order.get(l.split(" ")[1]))
        .thenComparing(l -> l.split(" ")[4]);
    Comparator<String> full = c.thenComparing((a, b) ->
        a.split(" ")[1].equals("rule") ? 0 : a.compareTo(b));
    lines.sort(full);
    return lines;
  }

  @Test
  void overallRulesMatchUpstreamTestOverallNFTablesRules() throws IOException {
    String expected = resource("overall-upstream.nft");
    assertThat(canonical(overallTable().transaction())).containsExactlyElementsOf(
        canonical(expected));
  }

  @Test
  void chainNamesAreUpstreamHashes() {
    ServicePorts.Info svc1 = ServicePorts.of(overallInput()).get(0);
    assertThat(NftablesProxier.servicePortChainNameBase(svc1)).isEqualTo("ULMVA6XW-ns1/svc1/tcp/p80");
    assertThat(NftablesProxier.endpointChainNameBase(svc1, svc1.endpoints().get(0)))
        .isEqualTo("5OJB2KTY-ns1/svc1/tcp/p80__10.180.0.1/80");
  }

  @Test
  void listingMatchesGolden() throws IOException {
    String actual = overallTable().list();
    Path golden = Path.of("src/test/resources/io/kubewalk/sim/proxy/nftables/overall-list.txt");
    if (Boolean.getBoolean("golden.update")) {
      Files.writeString(golden, actual);
    }
    assertThat(actual).isEqualTo(resource("overall-list.txt"));
  }

  @Test
  void nodePortsOnEveryLocalAddressUseFib() {
    ProxyInput in = overallInput();
    ProxyConfig c = in.config();
    ProxyConfig all = new ProxyConfig(c.mode(), c.clusterCidr(), false, "ClusterCIDR", List.of(),
        14, true, "rr");
    NftTable t = new NftablesProxier().sync(new ProxyInput(in.nodeName(), in.nodeIps(),
        in.podCidr(), all, in.services(), in.endpointSlices()));
    assertThat(t.findSet("nodeport-ips")).isNull();
    assertThat(t.transaction()).contains(
        "add rule ip kube-proxy services fib daddr type local ip daddr != 127.0.0.0/8 "
            + "meta l4proto . th dport vmap @service-nodeports");
    assertThat(t.transaction()).doesNotContain("Drop traffic to unallocated ClusterIPs");
  }
}
