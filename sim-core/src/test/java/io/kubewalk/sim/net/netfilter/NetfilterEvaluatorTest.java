package io.kubewalk.sim.net.netfilter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.kubewalk.sim.net.Ip;
import io.kubewalk.sim.net.Packet;
import io.kubewalk.sim.net.Protocol;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class NetfilterEvaluatorTest {

  static final String RULES = """
      *filter
      :INPUT DROP [0:0]
      :FORWARD ACCEPT [0:0]
      :OUTPUT ACCEPT [0:0]
      :A - [0:0]
      :B - [0:0]
      -A INPUT -m comment --comment "count only"
      -A INPUT -p tcp -m tcp --dport 22 -g A
      -A INPUT -p tcp -m tcp --dport 80 -j B
      -A INPUT -p tcp -m tcp --dport 80 -j ACCEPT
      -A A -s 10.0.0.0/8 -j RETURN
      -A A -j REJECT
      -A B -j MARK --set-xmark 0x4000/0x4000
      COMMIT
      *nat
      :PREROUTING ACCEPT [0:0]
      :INPUT ACCEPT [0:0]
      :OUTPUT ACCEPT [0:0]
      :POSTROUTING ACCEPT [0:0]
      :SVC - [0:0]
      -A PREROUTING -d 172.30.0.1/32 -p tcp -m tcp --dport 80 -j SVC
      -A SVC -m statistic --mode random --probability 0.3333333333 -j DNAT --to-destination 10.1.0.1:8080
      -A SVC -m statistic --mode random --probability 0.5000000000 -j DNAT --to-destination 10.1.0.2:8080
      -A SVC -j DNAT --to-destination 10.1.0.3:8080
      -A POSTROUTING -m mark --mark 0x4000/0x4000 -j MASQUERADE
      COMMIT
      """;

  static PacketContext ctx(String src, String dst, int dport) {
    return PacketContext.of(Packet.of(Ip.parse(src), 1234, Ip.parse(dst), dport, Protocol.TCP),
        "eth0", null, ip -> false);
  }

  final NetfilterTables t = IptablesRestore.parse(RULES);

  @Test
  void gotoThenReturnFallsBackToTheBuiltinPolicy() {
    TraversalResult r = NetfilterEvaluator.traverse(t, Table.FILTER, "INPUT",
        ctx("10.0.0.5", "10.0.0.1", 22), RandomChoice.seeded(0));
    assertThat(r.verdict()).isEqualTo(TraversalResult.Verdict.DROP);
    assertThat(r.steps()).extracting(NetfilterStep::ruleNumber).containsExactly(1, 2, 1, 0);
    assertThat(r.steps().get(3).target()).isEqualTo("DEFAULT POLICY => DROP");
    assertThat(r.rulesEvaluated()).isEqualTo(3);
  }

  @Test
  void rejectInAGotoChainDecides() {
    TraversalResult r = NetfilterEvaluator.traverse(t, Table.FILTER, "INPUT",
        ctx("192.168.0.5", "10.0.0.1", 22), RandomChoice.seeded(0));
    assertThat(r.verdict()).isEqualTo(TraversalResult.Verdict.REJECT);
    assertThat(r.steps().get(2).rule()).isEqualTo("-A A -j REJECT --reject-with icmp-port-unreachable");
  }

  @Test
  void markContinuesAndJumpReturnsToTheCaller() {
    TraversalResult r = NetfilterEvaluator.traverse(t, Table.FILTER, "INPUT",
        ctx("192.168.0.5", "10.0.0.1", 80), RandomChoice.seeded(0));
    assertThat(r.verdict()).isEqualTo(TraversalResult.Verdict.ACCEPT);
    assertThat(r.packet().mark()).isEqualTo(0x4000);
    assertThat(r.steps()).extracting(NetfilterStep::chain)
        .containsExactly("INPUT", "INPUT", "B", "INPUT");
    assertThat(r.steps().get(2).target()).isEqualTo("MARK or 0x4000");
  }

  @Test
  void enumerationListsEveryStatisticBranchWithItsProbability() {
    List<TraversalResult> all = NetfilterEvaluator.enumerate(t, Table.NAT, "PREROUTING",
        ctx("10.0.0.5", "172.30.0.1", 80));
    assertThat(all).hasSize(3);
    Set<String> dsts = new TreeSet<>();
    double sum = 0;
    for (TraversalResult r : all) {
      dsts.add(r.packet().dst() + ":" + r.packet().dport());
      assertThat(r.probability()).isCloseTo(1.0 / 3, within(1e-9));
      sum += r.probability();
    }
    assertThat(sum).isCloseTo(1.0, within(1e-12));
    assertThat(dsts).containsExactly("10.1.0.1:8080", "10.1.0.2:8080", "10.1.0.3:8080");
  }

  @Test
  void seededChoiceIsDeterministic() {
    PacketContext c = ctx("10.0.0.5", "172.30.0.1", 80);
    for (long seed = 0; seed < 5; seed++) {
      Ip a = NetfilterEvaluator.traverse(t, Table.NAT, "PREROUTING", c, RandomChoice.seeded(seed))
          .packet().dst();
      Ip b = NetfilterEvaluator.traverse(t, Table.NAT, "PREROUTING", c, RandomChoice.seeded(seed))
          .packet().dst();
      assertThat(a).isEqualTo(b);
    }
  }

  @Test
  void natIsSkippedForEstablishedPacketsAndSnatFollowsDnat() {
    PacketContext c = ctx("10.0.0.5", "172.30.0.1", 80);
    NetfilterEvaluator.HookResult pre = NetfilterEvaluator.hook(t, NetfilterEvaluator.Hook.PREROUTING,
        c, RandomChoice.seeded(1));
    assertThat(pre.nat()).isInstanceOf(Target.Dnat.class);
    assertThat(pre.ctState()).contains(CtState.DNAT);
    PacketContext est = c.withCtState(Set.of(CtState.ESTABLISHED));
    assertThat(NetfilterEvaluator.hook(t, NetfilterEvaluator.Hook.PREROUTING, est,
        RandomChoice.seeded(1)).perTable()).isEmpty();
    PacketContext marked = c.withPacket(pre.packet().withMark(0x4000)).withCtState(pre.ctState());
    assertThat(NetfilterEvaluator.hook(t, NetfilterEvaluator.Hook.POSTROUTING, marked,
        RandomChoice.seeded(1)).nat()).isInstanceOf(Target.Masquerade.class);
  }

  @Test
  void interfaceWildcardsAndNegation() {
    NetfilterTables f = IptablesRestore.parse(
        "*filter\n:FORWARD ACCEPT [0:0]\n-A FORWARD -i cni+ ! -o eth0 -j DROP\nCOMMIT\n");
    Packet p = Packet.of(Ip.parse("10.0.0.1"), 1, Ip.parse("10.0.1.1"), 80, Protocol.TCP);
    PacketContext toFlannel = PacketContext.of(p, "cni0", "flannel.1", ip -> false);
    PacketContext toEth = PacketContext.of(p, "cni0", "eth0", ip -> false);
    assertThat(NetfilterEvaluator.traverse(f, Table.FILTER, "FORWARD", toFlannel, x -> true)
        .verdict()).isEqualTo(TraversalResult.Verdict.DROP);
    assertThat(NetfilterEvaluator.traverse(f, Table.FILTER, "FORWARD", toEth, x -> true)
        .verdict()).isEqualTo(TraversalResult.Verdict.ACCEPT);
  }
}
