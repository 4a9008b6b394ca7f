package io.kubewalk.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubewalk.sim.scenario.LessonInfo;
import io.kubewalk.sim.trace.Endpoints;
import io.kubewalk.sim.trace.Step;
import io.kubewalk.sim.trace.Trace;
import io.kubewalk.sim.trace.Verdict;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every built-in lesson's headline flow: verdict, the hops it takes, the addresses it shows. */
class LessonsTest {

  /** A lesson's headline flow; {@code reply} (null: not traced) is the reply's verdict. */
  record Headline(String from, String to, Verdict verdict, List<String> hops,
      String deliveredIp, List<Step.Kind> mustHave, Verdict reply) {
    Headline(String from, String to, Verdict verdict, List<String> hops, String deliveredIp,
        List<Step.Kind> mustHave) {
      this(from, to, verdict, hops, deliveredIp, mustHave, null);
    }
  }

  private static final List<String> N1 = List.of("node01/node01");

  static final Map<String, Headline> HEADLINES = Map.ofEntries(
      Map.entry("kubeadm-flannel", new Headline("pod/default/client", "pod/default/app:80/tcp",
          Verdict.DELIVERED, List.of("node01/node01", "node-network/node-network",
              "controlplane/controlplane"), "172.17.0.4",
          List.of(Step.Kind.ENCAP, Step.Kind.DECAP))),
      Map.entry("kubeadm-weave", new Headline("pod/default/busybox", "pod/default/app:80/tcp",
          Verdict.DELIVERED, List.of("node01/node01", "node-network/node-network",
              "controlplane/controlplane"), "10.244.0.4", List.of(Step.Kind.ENCAP))),
      Map.entry("nodeport-vs-clusterip", new Headline("pod/default/client",
          "10.244.2.2:80/tcp", Verdict.DELIVERED, List.of("node01/node01",
              "node-network/node-network", "node02/node02"), "10.244.2.2",
          List.of(Step.Kind.ENCAP, Step.Kind.DECAP))),
      Map.entry("flannel-host-gw", new Headline("pod/default/client", "pod/default/web:80/tcp",
          Verdict.DELIVERED, List.of("node01/node01", "node-network/node-network",
              "node02/node02"), "10.244.2.2", List.of(Step.Kind.WIRE))),
      Map.entry("calico", new Headline("pod/default/client", "pod/default/web:80/tcp", Verdict.DELIVERED,
          List.of("node01/node01", "node-network/node-network", "node02/node02"),
          "10.244.2.1", List.of(Step.Kind.ENCAP, Step.Kind.DECAP))),
      Map.entry("cni-missing", new Headline("pod/default/client", "pod/default/app:80/tcp",
          Verdict.DROPPED, List.of(), null, List.of())),
      Map.entry("clusterip", new Headline("pod/default/client", "svc/default/web:80",
          Verdict.DELIVERED, N1, null, List.of(Step.Kind.DNAT), Verdict.DELIVERED)),
      Map.entry("externaltrafficpolicy-local", new Headline("ip/203.0.113.7 node02",
          "192.168.56.12:30081/tcp", Verdict.DROPPED, List.of("node02/node02"), null,
          List.of(Step.Kind.DROP))),
      Map.entry("no-endpoints", new Headline("pod/default/client", "svc/default/web:80",
          Verdict.REJECTED, N1, null, List.of(Step.Kind.REJECT))),
      Map.entry("hairpin", new Headline("pod/default/web-1", "svc/default/web:80",
          Verdict.DELIVERED, N1, "10.244.1.2", List.of(Step.Kind.DNAT, Step.Kind.SNAT),
          Verdict.DELIVERED)),
      Map.entry("br-netfilter-off", new Headline("pod/default/client", "svc/default/web:80",
          Verdict.DELIVERED, N1, "10.244.1.2", List.of(Step.Kind.DNAT), Verdict.REJECTED)),
      Map.entry("loadbalancer", new Headline("external/laptop", "198.51.100.10:80/tcp",
          Verdict.DELIVERED, List.of("node-network/external:laptop", "node01/node01"), null,
          List.of(Step.Kind.DNAT, Step.Kind.SNAT), Verdict.DELIVERED)),
      Map.entry("proxy-modes", new Headline("external/laptop", "198.51.100.12:80/tcp",
          Verdict.DELIVERED, List.of("node-network/external:laptop", "node01/node01"), null,
          List.of(Step.Kind.DNAT, Step.Kind.SNAT), Verdict.DELIVERED)),
      Map.entry("session-affinity", new Headline("pod/default/client", "svc/default/sticky:80",
          Verdict.DELIVERED, N1, null, List.of(Step.Kind.DNAT), Verdict.DELIVERED)));

  static Stream<Arguments> lessons() {
    return Kubewalk.lessons().stream().map(l -> Arguments.of(l.name()));
  }

  @Test
  void everyLessonHasAHeadlineFlow() {
    assertThat(HEADLINES.keySet())
        .containsExactlyInAnyOrderElementsOf(Kubewalk.lessons().stream()
            .map(LessonInfo::name).toList());
  }

  @ParameterizedTest
  @MethodSource("lessons")
  void headlineFlow(String lesson) {
    Headline h = HEADLINES.get(lesson);
    Simulation sim = Kubewalk.lesson(lesson);
    assertThat(sim.cluster().narrative()).isNotBlank();
    String[] from = h.from().split(" ");
    Trace t = sim.trace(Endpoints.parseFrom(from[0], from.length > 1 ? "node/" + from[1] : null),
        Endpoints.parseTo(h.to()), 0, h.reply() != null);
    assertThat(t.verdict()).as(t.reason()).isEqualTo(h.verdict());
    assertThat(t.hops()).containsSubsequence(h.hops());
    if (h.deliveredIp() != null) {
      assertThat(t.deliveredTo().ip()).isEqualTo(h.deliveredIp());
    }
    assertThat(t.steps()).extracting(Step::kind).containsAll(h.mustHave());
    if (h.reply() != null) {
      assertThat(t.reply().verdict()).as(t.reply().reason()).isEqualTo(h.reply());
    }
  }

  /** The proxy-modes lesson: the same three Services traced in every kube-proxy mode. */
  @ParameterizedTest
  @org.junit.jupiter.params.provider.EnumSource(io.kubewalk.sim.api.ProxyConfig.Mode.class)
  void proxyModesLessonWorksInEveryMode(io.kubewalk.sim.api.ProxyConfig.Mode mode) {
    Simulation sim = Kubewalk.lesson("proxy-modes").withProxyMode(mode);
    for (String to : List.of("10.96.0.120:80/tcp", "192.168.56.12:30120/tcp",
        "198.51.100.12:80/tcp")) {
      Trace t = sim.trace(Endpoints.parseFrom(to.startsWith("10.") ? "pod/default/client"
          : "external/laptop", null), Endpoints.parseTo(to), 1, true);
      assertThat(t.verdict()).as("%s %s: %s", mode, to, t.reason()).isEqualTo(Verdict.DELIVERED);
      assertThat(t.candidates()).extracting(Trace.Candidate::probability)
          .containsExactly(0.5, 0.5);
      assertThat(t.reply().verdict()).isEqualTo(Verdict.DELIVERED);
    }
    String signature = switch (mode) {
      case iptables -> sim.exec("node01", "iptables-save", "-t", "nat").out();
      case ipvs -> sim.exec("node01", "ipvsadm", "-Ln").out();
      case nftables -> sim.exec("node01", "nft", "list", "table", "ip", "kube-proxy").out();
    };
    assertThat(signature).contains(mode == io.kubewalk.sim.api.ProxyConfig.Mode.iptables
        ? "KUBE-SVC-" : mode == io.kubewalk.sim.api.ProxyConfig.Mode.ipvs
            ? "TCP  198.51.100.12:80 rr" : "numgen random mod 2");
  }
}
