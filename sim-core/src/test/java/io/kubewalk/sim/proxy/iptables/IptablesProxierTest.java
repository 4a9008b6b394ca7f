package io.kubewalk.sim.proxy.iptables;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubewalk.sim.net.Ip;
import io.kubewalk.sim.net.Packet;
import io.kubewalk.sim.net.Protocol;
import io.kubewalk.sim.net.netfilter.CtState;
import io.kubewalk.sim.net.netfilter.IptablesRestore;
import io.kubewalk.sim.net.netfilter.IptablesSave;
import io.kubewalk.sim.net.netfilter.NetfilterEvaluator;
import io.kubewalk.sim.net.netfilter.NetfilterTables;
import io.kubewalk.sim.net.netfilter.PacketContext;
import io.kubewalk.sim.net.netfilter.RecentLists;
import io.kubewalk.sim.net.netfilter.Table;
import io.kubewalk.sim.net.netfilter.Target;
import io.kubewalk.sim.net.netfilter.TraversalResult;
import io.kubewalk.sim.proxy.ProxyInput;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IptablesProxierTest {

  static String resource(String name) throws IOException {
    try (InputStream in = IptablesProxierTest.class.getResourceAsStream(name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  static String withoutComments(String s) {
    return s.lines().filter(l -> !l.startsWith("#")).map(l -> l + "\n")
        .collect(Collectors.joining());
  }

  @Test
  void chainNamesMatchUpstreamHashes() {
    assertThat(ChainNames.cluster("ns1/svc1:p80", "tcp")).isEqualTo("KUBE-SVC-XPGD46QRK7WJZT7O");
    assertThat(ChainNames.external("ns2/svc2:p80", "tcp")).isEqualTo("KUBE-EXT-GNZBNJ2PO5MGZ6GT");
    assertThat(ChainNames.firewall("ns5/svc5:p80", "tcp")).isEqualTo("KUBE-FW-NUKIZ6OKUXPJNT4C");
    assertThat(ChainNames.endpoint("ns1/svc1:p80", "tcp", "10.180.0.1:80"))
        .isEqualTo("KUBE-SEP-SXIVWICOYRO3J4NJ");
    assertThat(ChainNames.local("ns2/svc2:p80", "tcp")).isEqualTo("KUBE-SVL-GNZBNJ2PO5MGZ6GT");
  }

  @Test
  void probabilitiesArePrintedLikeKubeProxy() {
    assertThat(IptablesProxier.probability(2)).isEqualTo("0.5000000000");
    assertThat(IptablesProxier.probability(3)).isEqualTo("0.3333333333");
  }

  /** The key fidelity check: upstream's TestOverallIPTablesRules, byte for byte after sorting. */
  @Test
  void overallRulesEqualUpstreamGolden() throws IOException {
    String expected = withoutComments(resource("overall-iptables-rules.golden"));
    String actual = new IptablesProxier(IptablesProxier.Options.upstreamFake())
        .restoreInput(Fixtures.overall());
    assertThat(UpstreamSort.sort(actual)).isEqualTo(expected);
  }

  /** Whole node ruleset (as iptables-save prints it) for the overall input; a reviewed golden. */
  @Test
  void overallNodeRulesetGolden() throws IOException {
    NetfilterTables t = new IptablesProxier().sync(Fixtures.overall());
    String actual = IptablesSave.render(t, null, null);
    Path golden = Paths.get("src/test/resources/io/kubewalk/sim/proxy/iptables/"
        + "overall-node-iptables-save.golden");
    if (Boolean.getBoolean("golden.update")) {
      Files.writeString(golden, actual);
    }
    assertThat(actual).isEqualTo(Files.readString(golden));
    assertThat(IptablesRestore.parse(actual)).isEqualTo(t);
  }

  @Test
  void restoreInputParsesToTheSameRulesAsTheNodeState() {
    IptablesProxier p = new IptablesProxier();
    NetfilterTables node = p.sync(Fixtures.overall());
    NetfilterTables restored = IptablesRestore.parse(p.restoreInput(Fixtures.overall()));
    for (Table t : List.of(Table.NAT, Table.FILTER)) {
      for (var c : restored.chains(t)) {
        if (!c.builtin()) {
          assertThat(node.chain(t, c.name()).rules()).as(c.name()).isEqualTo(c.rules());
        }
      }
    }
  }

  @Test
  void builtinChainsJumpAsOnARealNode() {
    NetfilterTables t = new IptablesProxier().sync(Fixtures.overall());
    assertThat(t.chain(Table.NAT, "PREROUTING").rules()).extracting(Object::toString)
        .containsExactly(
            "-A PREROUTING -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES");
    assertThat(t.chain(Table.FILTER, "INPUT").rules()).extracting(Object::toString)
        .containsExactly("-A INPUT -j KUBE-FIREWALL",
            "-A INPUT -m conntrack --ctstate NEW -m comment --comment"
                + " \"kubernetes load balancer firewall\" -j KUBE-PROXY-FIREWALL",
            "-A INPUT -m comment --comment \"kubernetes health check service ports\""
                + " -j KUBE-NODEPORTS",
            "-A INPUT -m conntrack --ctstate NEW -m comment --comment"
                + " \"kubernetes externally-visible service portals\" -j KUBE-EXTERNAL-SERVICES");
    assertThat(t.chain(Table.MANGLE, "KUBE-PROXY-CANARY")).isNotNull();
  }

  @Test
  void kubeletRulesFirstKeepKubeFirewallLastInInput() {
    NetfilterTables base = KubeletRules.apply(NetfilterTables.empty());
    NetfilterTables t = new IptablesProxier().sync(base, Fixtures.overall());
    List<String> input = t.chain(Table.FILTER, "INPUT").rules().stream()
        .map(r -> ((Target.Jump) r.target()).chain()).collect(Collectors.toList());
    assertThat(input).containsExactly("KUBE-PROXY-FIREWALL", "KUBE-NODEPORTS",
        "KUBE-EXTERNAL-SERVICES", "KUBE-FIREWALL");
    assertThat(t.chain(Table.MANGLE, "KUBE-KUBELET-CANARY")).isNotNull();
  }

  @Test
  void resyncDeletesStaleServiceChains() {
    IptablesProxier p = new IptablesProxier();
    ProxyInput in = Fixtures.overall();
    NetfilterTables first = p.sync(in);
    ProxyInput fewer = new ProxyInput(in.nodeName(), in.nodeIps(), in.podCidr(), in.config(),
        in.services().subList(0, 1), in.endpointSlices().subList(0, 1));
    NetfilterTables second = p.sync(first, fewer);
    assertThat(second.chain(Table.NAT, "KUBE-SVC-4SW47YFZTEDKD3PK")).isNull();
    assertThat(second.chain(Table.NAT, "KUBE-SVC-XPGD46QRK7WJZT7O")).isNotNull();
    assertThat(second).isEqualTo(p.sync(fewer));
  }

  // ---- packet flows, in the style of upstream's runPacketFlowTests ----

  static final Set<Ip> LOCAL = Set.of(Ip.parse("192.168.0.2"), Ip.parse("192.168.1.2"),
      Ip.parse("192.168.99.11"), Ip.LOOPBACK);

  /** Outcome of one flow: the endpoints (or ACCEPT/DROP/REJECT) and whether it is masqueraded. */
  record Flow(String output, boolean masq) {}

  static Flow trace(NetfilterTables t, String src, String dst, int dport) {
    Ip s = Ip.parse(src);
    Packet p = Packet.of(s, 40000, Ip.parse(dst), dport, Protocol.TCP);
    boolean local = LOCAL.contains(s);
    String hook = local ? "OUTPUT" : "PREROUTING";
    PacketContext ctx = new PacketContext(p, local ? null : "eth0", local ? "eth0" : null,
        Set.of(CtState.NEW), false, LOCAL::contains, new RecentLists(), 0, null);
    Set<String> outputs = new TreeSet<>();
    Set<Boolean> masq = new TreeSet<>();
    for (TraversalResult nat : NetfilterEvaluator.enumerate(t, Table.NAT, hook, ctx)) {
      Set<CtState> ct = EnumSet.of(CtState.NEW);
      if (nat.dnat()) {
        ct.add(CtState.DNAT);
      }
      PacketContext after = ctx.withPacket(nat.packet()).withCtState(ct);
      NetfilterEvaluator.Hook filterHook = local ? NetfilterEvaluator.Hook.OUTPUT
          : LOCAL.contains(nat.packet().dst()) ? NetfilterEvaluator.Hook.INPUT
          : NetfilterEvaluator.Hook.FORWARD;
      TraversalResult filter = NetfilterEvaluator.traverse(t, Table.FILTER, filterHook.name(),
          after, p2 -> true);
      if (filter.verdict() != TraversalResult.Verdict.ACCEPT) {
        outputs.add(filter.verdict().name());
        continue;
      }
      if (filterHook == NetfilterEvaluator.Hook.INPUT && !nat.dnat()) {
        outputs.add("ACCEPT");
        continue;
      }
      TraversalResult post = NetfilterEvaluator.traverse(t, Table.NAT, "POSTROUTING",
          after.withPacket(filter.packet()), p2 -> true);
      outputs.add(nat.dnat() ? nat.packet().dst() + ":" + nat.packet().dport() : "ACCEPT");
      masq.add(post.nat() instanceof Target.Masquerade);
    }
    assertThat(masq).hasSizeLessThanOrEqualTo(1);
    return new Flow(String.join(", ", outputs), masq.contains(true));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      pod to cluster IP                      | 10.0.0.2      | 172.30.0.41   | 80    | 10.180.0.1:80 | false
      external to cluster IP is masqueraded  | 203.0.113.2   | 172.30.0.41   | 80    | 10.180.0.1:80 | true
      node to cluster IP is masqueraded      | 192.168.0.2   | 172.30.0.41   | 80    | 10.180.0.1:80 | true
      hairpin pod to its own service         | 10.180.0.1    | 172.30.0.41   | 80    | 10.180.0.1:80 | true
      pod to ETP Local cluster IP            | 10.0.0.2      | 172.30.0.42   | 80    | 10.180.0.2:80 | false
      external to ETP Local external IP      | 203.0.113.2   | 192.168.99.22 | 80    | DROP          | false
      pod to ETP Local external IP           | 10.0.0.2      | 192.168.99.22 | 80    | 10.180.0.2:80 | false
      LOCAL to ETP Local external IP         | 192.168.0.2   | 192.168.99.22 | 80    | 10.180.0.2:80 | true
      external to ETP Local LB IP            | 203.0.113.2   | 1.2.3.4       | 80    | DROP          | false
      pod to ETP Local LB IP                 | 10.0.0.2      | 1.2.3.4       | 80    | 10.180.0.2:80 | false
      node to ETP Local LB IP                | 192.168.0.2   | 1.2.3.4       | 80    | 10.180.0.2:80 | true
      external to ETP Local NodePort         | 203.0.113.2   | 192.168.0.2   | 3001  | DROP          | false
      external to ETP Local NodePort alt IP  | 203.0.113.2   | 192.168.1.2   | 3001  | DROP          | false
      pod to ETP Local NodePort              | 10.0.0.2      | 192.168.0.2   | 3001  | 10.180.0.2:80 | false
      external to NodePort                   | 203.0.113.2   | 192.168.0.2   | 3003  | 10.180.0.3:80 | true
      pod to NodePort                        | 10.0.0.2      | 192.168.0.2   | 3003  | 10.180.0.3:80 | true
      localhost to NodePort                  | 127.0.0.1     | 127.0.0.1     | 3003  | 10.180.0.3:80 | true
      external to external IP, two endpoints | 203.0.113.2   | 192.168.99.33 | 80    | 10.180.0.4:80, 10.180.0.5:80 | true
      pod to cluster IP, two endpoints       | 10.0.0.2      | 172.30.0.44   | 80    | 10.180.0.4:80, 10.180.0.5:80 | false
      allowed source to LB with ranges       | 203.0.113.2   | 5.6.7.8       | 80    | 10.180.0.3:80 | true
      blocked source to LB with ranges       | 203.0.113.130 | 5.6.7.8       | 80    | DROP          | false
      pod to LB with ranges                  | 10.0.0.2      | 5.6.7.8       | 80    | DROP          | false
      external to NodePort of LB with ranges | 203.0.113.2   | 192.168.0.2   | 3002  | 10.180.0.3:80 | true
      pod to service without endpoints       | 10.0.0.2      | 172.30.0.46   | 80    | REJECT        | false
      node to service without endpoints      | 192.168.0.2   | 172.30.0.46   | 80    | REJECT        | false
      health check node port                 | 203.0.113.2   | 192.168.0.2   | 30000 | ACCEPT        | false
      non-service destination                | 10.0.0.2      | 10.180.0.9    | 80    | ACCEPT        | false
      """)
  void overallPacketFlows(String name, String src, String dst, int port, String output,
      boolean masq) {
    NetfilterTables t = KubeletRules.apply(new IptablesProxier().sync(Fixtures.overall()));
    assertThat(trace(t, src, dst, port)).isEqualTo(new Flow(output, masq));
  }

  @Test
  void sessionAffinitySendsTheSecondConnectionThroughTheRecentRule() {
    NetfilterTables t = new IptablesProxier().sync(Fixtures.overall());
    Packet p = Packet.of(Ip.parse("203.0.113.2"), 40000, Ip.parse("172.30.0.45"), 80,
        Protocol.TCP);
    RecentLists recent = new RecentLists();
    PacketContext ctx = new PacketContext(p, "eth0", null, Set.of(CtState.NEW), false,
        LOCAL::contains, recent, 100, null);
    TraversalResult first = NetfilterEvaluator.traverse(t, Table.NAT, "PREROUTING", ctx, x -> true);
    TraversalResult second = NetfilterEvaluator.traverse(t, Table.NAT, "PREROUTING", ctx, x -> true);
    List<String> firstRules = new ArrayList<>();
    first.steps().forEach(s -> firstRules.add(s.rule()));
    assertThat(firstRules).noneMatch(r -> r.contains("--rcheck"));
    assertThat(second.steps()).anyMatch(s -> s.rule().contains("--rcheck"));
    assertThat(second.packet().dst()).isEqualTo(Ip.parse("10.180.0.3"));
  }
}
