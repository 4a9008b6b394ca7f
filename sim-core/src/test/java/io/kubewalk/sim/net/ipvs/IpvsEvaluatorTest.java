package io.kubewalk.sim.net.ipvs;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubewalk.sim.net.Ip;
import io.kubewalk.sim.net.Packet;
import io.kubewalk.sim.net.Protocol;
import java.util.List;
import org.junit.jupiter.api.Test;

class IpvsEvaluatorTest {

  static IpvsTable table(String scheduler, boolean persistent, RealServer... rs) {
    IpvsTable t = new IpvsTable();
    t.put(new VirtualServer(Ip.parse("10.96.0.10"), 53, Protocol.UDP, scheduler, persistent,
        persistent ? 10800 : 0, false, List.of(rs)));
    return t;
  }

  static Packet from(String src, int sport) {
    return Packet.of(Ip.parse(src), sport, Ip.parse("10.96.0.10"), 53, Protocol.UDP);
  }

  @Test
  void roundRobinCyclesThroughRealServersWithEqualProbability() {
    IpvsEvaluator ev = new IpvsEvaluator(table("rr", false,
        RealServer.of(Ip.parse("10.244.1.3"), 53), RealServer.of(Ip.parse("10.244.2.3"), 53)));
    IpvsEvaluator.Result a = ev.evaluate(from("10.244.1.9", 1000));
    IpvsEvaluator.Result b = ev.evaluate(from("10.244.1.9", 1001));
    assertThat(a.chosen()).isNotEqualTo(b.chosen());
    assertThat(a.candidates()).extracting(IpvsEvaluator.Candidate::probability)
        .containsExactly(0.5, 0.5);
    assertThat(a.steps().get(0).line()).isEqualTo("UDP  10.96.0.10:53 rr");
  }

  @Test
  void weightedRoundRobinReportsWeightShares() {
    IpvsEvaluator ev = new IpvsEvaluator(table("wrr", false,
        new RealServer(Ip.parse("10.244.1.3"), 53, 3, RealServer.Forward.MASQ, 0, 0),
        new RealServer(Ip.parse("10.244.2.3"), 53, 1, RealServer.Forward.MASQ, 0, 0)));
    assertThat(ev.evaluate(from("10.244.1.9", 1)).candidates())
        .extracting(IpvsEvaluator.Candidate::probability).containsExactly(0.75, 0.25);
  }

  @Test
  void persistenceKeepsAClientOnItsRealServer() {
    IpvsEvaluator ev = new IpvsEvaluator(table("rr", true,
        RealServer.of(Ip.parse("10.244.1.3"), 53), RealServer.of(Ip.parse("10.244.2.3"), 53)));
    RealServer first = ev.evaluate(from("10.244.1.9", 1000)).chosen();
    IpvsEvaluator.Result again = ev.evaluate(from("10.244.1.9", 2000));
    assertThat(again.persistent()).isTrue();
    assertThat(again.chosen()).isEqualTo(first);
  }

  @Test
  void sourceHashingDependsOnlyOnTheClient() {
    IpvsEvaluator ev = new IpvsEvaluator(table("sh", false,
        RealServer.of(Ip.parse("10.244.1.3"), 53), RealServer.of(Ip.parse("10.244.2.3"), 53)));
    RealServer a = ev.evaluate(from("10.244.7.7", 1)).chosen();
    assertThat(ev.evaluate(from("10.244.7.7", 2)).chosen()).isEqualTo(a);
  }

  @Test
  void noRealServerMeansNoChoice() {
    IpvsEvaluator.Result r = new IpvsEvaluator(table("rr", false)).evaluate(from("1.2.3.4", 1));
    assertThat(r.chosen()).isNull();
    assertThat(r.service()).isNotNull();
  }

  @Test
  void connectionsAreListedLikeIpvsadmLnc() {
    IpvsTable t = table("rr", false, RealServer.of(Ip.parse("10.244.1.3"), 53));
    IpvsEvaluator ev = new IpvsEvaluator(t);
    ev.evaluate(from("10.244.1.9", 40000));
    assertThat(IpvsTable.listConnections(ev.connections())).isEqualTo("IPVS connection entries\n"
        + "pro expire state       source             virtual            destination\n"
        + "UDP 05:00  UDP         10.244.1.9:40000   10.96.0.10:53      10.244.1.3:53\n");
  }
}
