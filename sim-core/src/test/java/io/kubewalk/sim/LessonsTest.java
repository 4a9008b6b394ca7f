package io.kubewalk.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubewalk.sim.scenario.LessonInfo;
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

  record Headline(String from, String to, Verdict verdict, List<String> hops,
      String deliveredIp, List<Step.Kind> mustHave) {}

  static final Map<String, Headline> HEADLINES = Map.of(
      "kubeadm-flannel", new Headline("pod/default/client", "pod/default/app:80/tcp",
          Verdict.DELIVERED, List.of("node01/node01", "node-network/node-network",
              "controlplane/controlplane"), "172.17.0.4",
          List.of(Step.Kind.ENCAP, Step.Kind.DECAP)),
      "kubeadm-weave", new Headline("pod/default/busybox", "pod/default/app:80/tcp",
          Verdict.DELIVERED, List.of("node01/node01", "node-network/node-network",
              "controlplane/controlplane"), "10.244.0.4", List.of(Step.Kind.ENCAP)),
      "nodeport-vs-clusterip", new Headline("pod/default/client",
          "10.244.2.2:80/tcp", Verdict.DELIVERED, List.of("node01/node01",
              "node-network/node-network", "node02/node02"), "10.244.2.2",
          List.of(Step.Kind.ENCAP, Step.Kind.DECAP)),
      "flannel-host-gw", new Headline("pod/default/client", "pod/default/web:80/tcp",
          Verdict.DELIVERED, List.of("node01/node01", "node-network/node-network",
              "node02/node02"), "10.244.2.2", List.of(Step.Kind.WIRE)),
      "calico", new Headline("pod/default/client", "pod/default/web:80/tcp", Verdict.DELIVERED,
          List.of("node01/node01", "node-network/node-network", "node02/node02"),
          "10.244.2.1", List.of(Step.Kind.ENCAP, Step.Kind.DECAP)),
      "cni-missing", new Headline("pod/default/client", "pod/default/app:80/tcp",
          Verdict.DROPPED, List.of(), null, List.of()));

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
    Trace t = sim.trace(h.from(), h.to(), 0);
    assertThat(t.verdict()).as(t.reason()).isEqualTo(h.verdict());
    assertThat(t.hops()).containsSubsequence(h.hops());
    if (h.deliveredIp() != null) {
      assertThat(t.deliveredTo().ip()).isEqualTo(h.deliveredIp());
    }
    assertThat(t.steps()).extracting(Step::kind).containsAll(h.mustHave());
  }
}
