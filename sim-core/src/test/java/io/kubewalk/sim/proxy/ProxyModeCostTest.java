package io.kubewalk.sim.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubewalk.sim.Kubewalk;
import io.kubewalk.sim.Simulation;
import io.kubewalk.sim.api.ProxyConfig;
import io.kubewalk.sim.trace.Trace;
import io.kubewalk.sim.trace.Verdict;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The work per packet as Services are added: iptables walks KUBE-SERVICES rule by rule, so the
 * rules it evaluates for the last Service grow with their number; IPVS and nftables look the
 * destination up in a hash table or map, so theirs stay flat. The same trace reaches the same
 * candidates in every mode.
 */
class ProxyModeCostTest {

  private static Simulation cluster(int services) {
    StringBuilder y = new StringBuilder("""
        apiVersion: kubewalk.io/v1alpha1
        kind: Topology
        metadata: {name: many}
        cni: {plugin: flannel}
        nodes:
          - {name: controlplane, role: control-plane, addresses: [192.168.56.10/24], gateway: 192.168.56.1}
          - {name: node01, role: worker, addresses: [192.168.56.11/24], gateway: 192.168.56.1}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: client}
        spec: {nodeName: node01, containers: [{name: c, image: busybox}]}
        """);
    for (String pod : new String[] {"web-a", "web-b"}) {
      y.append("---\napiVersion: v1\nkind: Pod\nmetadata: {name: ").append(pod)
          .append(", labels: {app: web}}\nspec: {nodeName: node01, containers: [{name: c,"
              + " image: nginx, ports: [{containerPort: 80}]}]}\n");
    }
    for (int i = 0; i < services; i++) {
      y.append(String.format(Locale.ROOT, "---\napiVersion: v1\nkind: Service\nmetadata: {name:"
          + " svc-%04d}\nspec: {clusterIP: 10.96.%d.%d, selector: {app: web}, ports: [{port:"
          + " 80}]}\n", i, 100 + i / 200, 1 + i % 200));
    }
    return Kubewalk.fromYaml("many.yaml", y.toString());
  }

  private static Map<ProxyConfig.Mode, Trace> lastService(int services) {
    Simulation sim = cluster(services);
    String to = "svc/default/" + String.format(Locale.ROOT, "svc-%04d", services - 1) + ":80";
    Map<ProxyConfig.Mode, Trace> out = new EnumMap<>(ProxyConfig.Mode.class);
    for (ProxyConfig.Mode m : ProxyConfig.Mode.values()) {
      Trace t = sim.withProxyMode(m).trace("pod/default/client", to, 0);
      assertThat(t.verdict()).as(m + ": " + t.reason()).isEqualTo(Verdict.DELIVERED);
      out.put(m, t);
    }
    return out;
  }

  @Test
  void iptablesWorkGrowsWithServicesWhileIpvsAndNftablesStayFlat() {
    Map<ProxyConfig.Mode, Trace> few = lastService(10);
    Map<ProxyConfig.Mode, Trace> many = lastService(300);
    for (Map<ProxyConfig.Mode, Trace> traces : java.util.List.of(few, many)) {
      assertThat(traces.values()).extracting(Trace::candidates).allSatisfy(c ->
          assertThat(c).extracting(Trace.Candidate::endpoint)
              .containsExactlyInAnyOrderElementsOf(traces.get(ProxyConfig.Mode.iptables)
                  .candidates().stream().map(Trace.Candidate::endpoint).toList()));
    }
    int ipt = many.get(ProxyConfig.Mode.iptables).cost().rulesEvaluated()
        - few.get(ProxyConfig.Mode.iptables).cost().rulesEvaluated();
    assertThat(ipt).as("iptables: one more KUBE-SERVICES rule per Service before the match")
        .isGreaterThanOrEqualTo(290);
    for (ProxyConfig.Mode m : new ProxyConfig.Mode[] {ProxyConfig.Mode.ipvs,
        ProxyConfig.Mode.nftables}) {
      assertThat(many.get(m).cost().rulesEvaluated() - few.get(m).cost().rulesEvaluated())
          .as(m + " does not walk the Services").isLessThanOrEqualTo(2);
      assertThat(many.get(m).cost().rulesEvaluated())
          .isLessThan(many.get(ProxyConfig.Mode.iptables).cost().rulesEvaluated());
    }
  }
}
