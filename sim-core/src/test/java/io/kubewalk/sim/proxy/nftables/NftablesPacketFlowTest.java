package io.kubewalk.sim.proxy.nftables;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubewalk.sim.net.Ip;
import io.kubewalk.sim.net.Packet;
import io.kubewalk.sim.net.Protocol;
import io.kubewalk.sim.net.nftables.NftEvaluator;
import io.kubewalk.sim.proxy.ProxyInput;
import java.util.HashSet;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Packet-flow table in the shape of upstream's runPacketFlowTests: (source, destination,
 * expected endpoints or REJECT/DROP, masquerade), run through the table built for the
 * TestOverallNFTablesRules objects. Sources that are node IPs are locally generated.
 */
class NftablesPacketFlowTest {

  static Stream<Arguments> flows() {
    return Stream.of(
        Arguments.of("pod to ClusterIP", "10.0.0.2", "172.30.0.41", 80, "10.180.0.1:80", false),
        Arguments.of("hairpin to ClusterIP", "10.180.0.1", "172.30.0.41", 80, "10.180.0.1:80",
            true),
        Arguments.of("node to ClusterIP", "192.168.0.2", "172.30.0.41", 80, "10.180.0.1:80",
            true),
        Arguments.of("external to NodePort", "203.0.113.2", "192.168.0.2", 3003, "10.180.0.3:80",
            true),
        Arguments.of("NodePort only on nodeport-ips", "203.0.113.2", "192.168.1.2", 3003, "",
            false),
        Arguments.of("external to ETP Local NodePort without local endpoints", "203.0.113.2",
            "192.168.0.2", 3001, "DROP", false),
        Arguments.of("pod to ETP Local NodePort is short-circuited", "10.0.0.2", "192.168.0.2",
            3001, "10.180.0.2:80", false),
        Arguments.of("external to ETP Local LB IP without local endpoints", "203.0.113.2",
            "1.2.3.4", 80, "DROP", false),
        Arguments.of("external to externalIP, two endpoints", "203.0.113.2", "192.168.99.33", 80,
            "10.180.0.4:80, 10.180.0.5:80", true),
        Arguments.of("allowed source to LB with source ranges", "203.0.113.2", "5.6.7.8", 80,
            "10.180.0.3:80", true),
        Arguments.of("blocked source to LB with source ranges", "203.0.113.130", "5.6.7.8", 80,
            "DROP", false),
        Arguments.of("ClusterIP without endpoints", "10.0.0.2", "172.30.0.46", 80, "REJECT",
            false),
        Arguments.of("ClusterIP, port not in Service", "10.0.0.2", "172.30.0.41", 443, "REJECT",
            false),
        Arguments.of("unallocated ClusterIP", "10.0.0.2", "172.30.0.50", 80, "DROP", false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("flows")
  void packetFlow(String name, String src, String dst, int dport, String output, boolean masq) {
    ProxyInput in = NftablesProxierTest.overallInput();
    NftEvaluator ev = new NftEvaluator(NftablesProxierTest.overallTable(),
        new HashSet<>(in.nodeIps()));
    Packet p = Packet.of(Ip.parse(src), 40000, Ip.parse(dst), dport, Protocol.TCP);
    boolean local = in.nodeIps().contains(Ip.parse(src));
    NftEvaluator.Result r = ev.evaluate(p, local, new SplittableRandom(0));
    String actual = switch (r.outcome()) {
      case DROP -> "DROP";
      case REJECT -> "REJECT";
      case ACCEPT -> r.candidates().stream().map(NftEvaluator.Candidate::endpoint).sorted()
          .collect(Collectors.joining(", "));
    };
    assertThat(actual).isEqualTo(output);
    assertThat(r.masqueraded()).isEqualTo(masq);
    if (r.outcome() == NftEvaluator.Outcome.ACCEPT && !output.isEmpty()) {
      assertThat(List.of(output.split(", "))).contains(r.packet().dst() + ":" + r.packet().dport());
      assertThat(r.candidates()).allSatisfy(c -> assertThat(c.probability())
          .isEqualTo(1.0 / r.candidates().size()));
      assertThat(r.steps()).anyMatch(s -> s.rule().contains("dnat to"));
    }
    assertThat(r.cost()).isPositive();
  }
}
