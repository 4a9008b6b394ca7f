package io.kubewalk.app.gui;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubewalk.sim.Kubewalk;
import io.kubewalk.sim.Simulation;
import io.kubewalk.sim.api.ProxyConfig;
import io.kubewalk.sim.scenario.LessonInfo;
import io.kubewalk.sim.trace.Step;
import io.kubewalk.sim.trace.Trace;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

class RuleViewModelTest {

  private static Step first(Trace t, Step.Kind kind) {
    return t.steps().stream().filter(s -> s.kind() == kind).findFirst().orElseThrow();
  }

  @Test
  void theDnatStepHighlightsItsKubeSepRuleInTheNatTableOfIptablesSave() {
    Simulation sim = Kubewalk.lesson("clusterip");
    Trace t = sim.trace("pod/default/client", "svc/default/web:80", 0);
    RuleViewModel rv = new RuleViewModel(sim);
    RuleViewModel.RuleView v = rv.forStep(first(t, Step.Kind.DNAT), t);
    assertThat(v.command()).isEqualTo("iptables-save");
    assertThat(v.target()).isEqualTo("node01");
    assertThat(v.highlighted()).startsWith("-A KUBE-SEP-").contains("-j DNAT --to-destination");
    assertThat(v.lines()).isEqualTo(sim.exec("node01", "iptables-save").out().lines().toList());
    int nat = v.lines().indexOf("*nat");
    assertThat(v.highlight()).isGreaterThan(nat);
    assertThat(v.lines().subList(nat, v.highlight())).doesNotContain("COMMIT");
  }

  @Test
  void aChainInTwoTablesIsFoundInTheTableTheStepNames() {
    Simulation sim = Kubewalk.lesson("clusterip");
    Trace t = sim.trace("pod/default/client", "svc/default/web:80", 0);
    RuleViewModel rv = new RuleViewModel(sim);
    Step filterFwd = t.steps().stream().filter(s -> s.detail().startsWith("filter FORWARD"))
        .findFirst().orElseThrow();
    RuleViewModel.RuleView v = rv.forStep(filterFwd, t);
    assertThat(v.highlight()).isGreaterThan(v.lines().indexOf("*filter"));
    Step policy = t.steps().stream().filter(s -> s.detail().contains("DEFAULT POLICY"))
        .findFirst().orElseThrow();
    RuleViewModel.RuleView p = rv.forStep(policy, t);
    assertThat(p.highlighted()).isEqualTo(":POSTROUTING ACCEPT [0:0]");
    assertThat(p.highlight()).isGreaterThan(p.lines().indexOf("*nat"));
  }

  @Test
  void ipvsStepsShowIpvsadmWithTheVirtualServiceAndThePickedRealServer() {
    Simulation sim = Kubewalk.lesson("clusterip").withProxyMode(ProxyConfig.Mode.ipvs);
    Trace t = sim.trace("pod/default/client", "svc/default/web:80", 0);
    RuleViewModel rv = new RuleViewModel(sim);
    RuleViewModel.RuleView ipvs = rv.forStep(first(t, Step.Kind.IPVS), t);
    assertThat(ipvs.command()).isEqualTo("ipvsadm -Ln");
    assertThat(ipvs.highlighted()).isEqualTo("TCP  10.96.0.80:80 rr");
    Step dnat = first(t, Step.Kind.DNAT);
    RuleViewModel.RuleView picked = rv.forStep(dnat, t);
    assertThat(picked.highlighted().trim()).startsWith("-> " + dnat.packet().dst() + ":80 ");
    assertThat(picked.highlight()).isGreaterThan(ipvs.highlight());
  }

  @Test
  void nftStepsShowTheKubeProxyTableWithTheRuleInsideTheStepsChain() {
    Simulation sim = Kubewalk.lesson("clusterip").withProxyMode(ProxyConfig.Mode.nftables);
    Trace t = sim.trace("pod/default/client", "svc/default/web:80", 0);
    RuleViewModel rv = new RuleViewModel(sim);
    Step dnat = first(t, Step.Kind.DNAT);
    RuleViewModel.RuleView v = rv.forStep(dnat, t);
    assertThat(v.command()).isEqualTo("nft list table ip kube-proxy");
    assertThat(v.highlighted().trim()).isEqualTo(dnat.rule().trim());
    int chain = -1;
    for (int i = v.highlight(); i >= 0 && chain < 0; i--) {
      if (v.lines().get(i).trim().startsWith("chain ")) {
        chain = i;
      }
    }
    assertThat(v.lines().get(chain)).contains("endpoint-").contains(dnat.packet().dst()
        + "/80");
  }

  @Test
  void routeStepsShowIpRouteOfTheirNamespaceAndReplyConntrackStepsTheEntry() {
    Simulation sim = Kubewalk.lesson("clusterip");
    Trace t = sim.trace(io.kubewalk.sim.trace.Endpoints.parseFrom("pod/default/client", null),
        io.kubewalk.sim.trace.Endpoints.parseTo("svc/default/web:80"), 0, true);
    RuleViewModel rv = new RuleViewModel(sim);
    RuleViewModel.RuleView route = rv.forStep(first(t, Step.Kind.ROUTE), t);
    assertThat(route.target()).isEqualTo("pod/default/client");
    assertThat(route.command()).isEqualTo("ip route");
    assertThat(route.highlighted().trim()).isEqualTo("default via 10.244.1.1 dev eth0");
    RuleViewModel.RuleView ct = rv.forStep(first(t.reply(), Step.Kind.CONNTRACK), t);
    assertThat(ct.command()).isEqualTo("conntrack -L");
    assertThat(ct.highlighted()).contains("src=10.244.1.3 dst=10.96.0.80 sport=40702 dport=80");
  }

  @Test
  void vxlanEncapsulationShowsTheNeighbourAndTheFdbEntry() {
    Simulation sim = Kubewalk.lesson("kubeadm-flannel");
    Trace t = sim.trace("pod/default/client", "pod/default/app:80/tcp", 0);
    RuleViewModel.RuleView v = new RuleViewModel(sim).forStep(first(t, Step.Kind.ENCAP), t);
    assertThat(v.command()).isEqualTo("ip neigh; bridge fdb");
    assertThat(v.highlighted()).startsWith("172.17.0.0 dev flannel.1 lladdr");
    assertThat(v.lines().get(v.second())).contains("dev flannel.1 dst 192.168.122.177");
    assertThat(v.marks(v.second())).isTrue();
    assertThat(v.marks(0)).isFalse();
  }

  @Test
  void aStepWithoutARuleHighlightsNothing() {
    Simulation sim = Kubewalk.lesson("clusterip");
    Trace t = sim.trace("pod/default/client", "svc/default/web:80", 0);
    RuleViewModel.RuleView v = new RuleViewModel(sim).forStep(first(t, Step.Kind.SEND), t);
    assertThat(v.highlight()).isEqualTo(-1);
    assertThat(v.lines()).isEmpty();
  }

  /** Every step with a rule, in every lesson, both ways, in each mode, finds its line. */
  @ParameterizedTest
  @EnumSource(ProxyConfig.Mode.class)
  void everyDecidingRuleOfEveryLessonIsHighlighted(ProxyConfig.Mode mode) {
    int checked = 0;
    for (LessonInfo l : Kubewalk.lessons()) {
      Simulation sim = Kubewalk.lesson(l.name()).withProxyMode(mode);
      TraceViewModel vm = new TraceViewModel(sim);
      RuleViewModel rv = new RuleViewModel(sim);
      for (String from : vm.sources().subList(0, Math.min(2, vm.sources().size()))) {
        for (String to : vm.targets()) {
          var o = vm.compute(new TraceViewModel.Request(from, to, 0, true, mode));
          if (!o.ok()) {
            continue;
          }
          List<Step> all = new ArrayList<>(o.trace().steps());
          if (o.trace().reply() != null) {
            all.addAll(o.trace().reply().steps());
          }
          for (Step s : all) {
            if (s.rule() == null) {
              continue;
            }
            RuleViewModel.RuleView v = rv.forStep(s, o.trace());
            assertThat(v.highlight()).as("%s %s step %s %s", l.name(), to, s.index(), s.rule())
                .isGreaterThanOrEqualTo(0);
            if (v.command().equals("iptables-save") || v.command().startsWith("nft")
                || v.command().equals("ip route")) {
              assertThat(v.highlighted().trim()).as("%s %s", l.name(), s.rule())
                  .isEqualTo(s.rule().trim());
            }
            checked++;
          }
        }
      }
    }
    assertThat(checked).isGreaterThan(1000);
  }
}
