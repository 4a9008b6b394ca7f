package io.kubewalk.sim.proxy.ipvs;

import static io.kubewalk.sim.proxy.nftables.ProxyFixtures.ep;
import static io.kubewalk.sim.proxy.nftables.ProxyFixtures.slice;
import static io.kubewalk.sim.proxy.nftables.ProxyFixtures.svc;
import static org.assertj.core.api.Assertions.assertThat;

import io.kubewalk.sim.api.ProxyConfig;
import io.kubewalk.sim.api.Service;
import io.kubewalk.sim.net.Cidr;
import io.kubewalk.sim.net.Ip;
import io.kubewalk.sim.net.Packet;
import io.kubewalk.sim.net.Protocol;
import io.kubewalk.sim.net.ipvs.IpvsEvaluator;
import io.kubewalk.sim.proxy.ProxyInput;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Packet-flow table for IPVS mode: (source, destination, endpoints or REJECT, masquerade). */
class IpvsPacketFlowTest {

  static ProxyInput input() {
    Protocol tcp = Protocol.TCP;
    ProxyConfig cfg = new ProxyConfig(ProxyConfig.Mode.ipvs, Cidr.parse("10.0.0.0/8"), false,
        "ClusterCIDR", List.of(), 14, true, "rr");
    return new ProxyInput("test-node", List.of(Ip.parse("192.168.0.2")), null, cfg,
        List.of(
            svc("ns1", "svc1").clusterIp("172.30.0.41").port("p80", tcp, 80, null).build(),
            svc("ns2", "svc2").type(Service.Type.NodePort).etpLocal().clusterIp("172.30.0.42")
                .port("p80", tcp, 80, 3001).build(),
            svc("ns3", "svc3").type(Service.Type.NodePort).clusterIp("172.30.0.43")
                .port("p80", tcp, 80, 3003).build(),
            svc("ns4", "svc4").clusterIp("172.30.0.44").port("p80", tcp, 80, null).build(),
            svc("ns6", "svc6").clusterIp("172.30.0.46").port("p80", tcp, 80, null).build()),
        List.of(
            slice("ns1", "svc1", "p80", tcp, 80, ep("10.180.0.1", "test-node")),
            slice("ns2", "svc2", "p80", tcp, 80, ep("10.180.0.2", "node2")),
            slice("ns3", "svc3", "p80", tcp, 80, ep("10.180.0.3", "node2")),
            slice("ns4", "svc4", "p80", tcp, 80, ep("10.180.0.4", "node2"),
                ep("10.180.0.5", "test-node"))));
  }

  static Stream<Arguments> flows() {
    return Stream.of(
        Arguments.of("pod to ClusterIP", "10.0.0.2", "172.30.0.41", 80, "10.180.0.1:80", false),
        Arguments.of("hairpin via KUBE-LOOP-BACK", "10.180.0.1", "172.30.0.41", 80,
            "10.180.0.1:80", true),
        Arguments.of("external to ClusterIP", "203.0.113.2", "172.30.0.41", 80, "10.180.0.1:80",
            true),
        Arguments.of("external to NodePort", "203.0.113.2", "192.168.0.2", 3003, "10.180.0.3:80",
            true),
        Arguments.of("ETP Local NodePort without local endpoint falls back, unmasqueraded",
            "203.0.113.2", "192.168.0.2", 3001, "10.180.0.2:80", false),
        Arguments.of("ClusterIP with two endpoints", "10.0.0.2", "172.30.0.44", 80,
            "10.180.0.4:80, 10.180.0.5:80", false),
        Arguments.of("ClusterIP without endpoints", "10.0.0.2", "172.30.0.46", 80, "REJECT",
            false),
        Arguments.of("ClusterIP on a port that is not a Service port", "10.0.0.2", "172.30.0.41",
            443, "REJECT", false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("flows")
  void packetFlow(String name, String src, String dst, int port, String output, boolean masq) {
    ProxyInput in = input();
    IpvsPacketFlow flow = new IpvsPacketFlow(new IpvsProxier().sync(in), in);
    IpvsPacketFlow.Result r =
        flow.trace(Packet.of(Ip.parse(src), 40000, Ip.parse(dst), port, Protocol.TCP));
    String actual = r.outcome() == IpvsPacketFlow.Outcome.FORWARDED
        ? r.candidates().stream().map(IpvsEvaluator.Candidate::endpoint).sorted()
            .collect(Collectors.joining(", "))
        : r.outcome().name();
    assertThat(actual).isEqualTo(output);
    assertThat(r.masqueraded()).isEqualTo(masq);
    if (r.outcome() == IpvsPacketFlow.Outcome.FORWARDED) {
      assertThat(List.of(output.split(", "))).contains(r.packet().dst() + ":" + r.packet().dport());
      assertThat(r.steps()).anyMatch(s -> s.rule() != null && s.rule().startsWith("TCP  " + dst));
    }
    assertThat(r.steps()).allMatch(s -> s.detail() != null);
    assertThat(r.cost()).isPositive();
  }
}
