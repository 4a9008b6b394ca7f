package io.kubewalk.sim.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import io.kubewalk.sim.Kubewalk;
import io.kubewalk.sim.Simulation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The bad-input corpus: each {@code bad/NAME.yaml} must be refused with exactly the problem lines
 * of {@code bad/NAME.expected}. {@code -Dgolden.update=true} rewrites the expected files for
 * review.
 */
class BadInputTest {

  private static final Path DIR = Path.of("src/test/resources/io/kubewalk/sim/scenario/bad");

  static Stream<String> corpus() throws IOException {
    try (Stream<Path> files = Files.list(DIR)) {
      return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml"))
          .map(n -> n.substring(0, n.length() - 5)).sorted().toList().stream();
    }
  }

  @Test
  void theCorpusIsLargeEnough() throws IOException {
    assertThat(corpus().count()).isGreaterThanOrEqualTo(25);
  }

  @ParameterizedTest
  @MethodSource("corpus")
  void isRefusedWithLocatedProblems(String name) throws IOException {
    String text = Files.readString(DIR.resolve(name + ".yaml"), StandardCharsets.UTF_8);
    String actual;
    try {
      Simulation s = Kubewalk.fromYaml("bad/" + name + ".yaml", text);
      fail("bad/" + name + ".yaml was accepted: " + s.cluster().name());
      return;
    } catch (ScenarioException e) {
      actual = e.problems().stream().map(Problem::toString)
          .collect(Collectors.joining("\n", "", "\n"));
    }
    Path expected = DIR.resolve(name + ".expected");
    if (Boolean.getBoolean("golden.update")) {
      Files.writeString(expected, actual, StandardCharsets.UTF_8);
    }
    assertThat(actual).isEqualTo(Files.readString(expected, StandardCharsets.UTF_8));
    assertThat(actual.lines()).allSatisfy(l -> assertThat(l)
        .matches("bad/" + name + "\\.yaml:\\d+:\\d+: .+"));
  }

  @Test
  void anOversizedFileIsRefusedBeforeItIsRead(@TempDir Path dir) throws IOException {
    Path big = dir.resolve("big.yaml");
    try (var ch = java.nio.channels.FileChannel.open(big,
        java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE)) {
      ch.write(java.nio.ByteBuffer.wrap(new byte[] {'#'}), ScenarioSource.MAX_BYTES + 1024);
    }
    assertThatThrownBy(() -> Kubewalk.load(big)).isInstanceOf(ScenarioException.class)
        .hasMessage(big + ":1:1: file is 64 MiB (expected at most 64 MiB)");
  }

  @Test
  void aKindConfigWithPatchesAppliesThemAll() {
    Scenario s = ScenarioLoader.load("kind.yaml", """
        kind: Cluster
        apiVersion: kind.x-k8s.io/v1alpha4
        networking:
          podSubnet: 10.200.0.0/16
        nodes:
          - role: control-plane
          - role: worker
          - role: worker
        kubeadmConfigPatches:
          - |
            kind: ClusterConfiguration
            apiVersion: kubeadm.k8s.io/v1beta3
            apiServer:
              extraArgs:
                service-node-port-range: "30000-31000"
          - |
            apiVersion: kubeproxy.config.k8s.io/v1alpha1
            kind: KubeProxyConfiguration
            mode: ipvs
            ipvs:
              scheduler: lc
        """);
    assertThat(s.config().flavor()).isEqualTo("kind");
    assertThat(s.config().nodePortRange()).isEqualTo("30000-31000");
    assertThat(s.config().proxy().mode().name()).isEqualTo("ipvs");
    assertThat(s.config().proxy().ipvsScheduler()).isEqualTo("lc");
    assertThat(s.config().proxy().clusterCidr()).hasToString("10.200.0.0/16");
    assertThat(s.nodes()).extracting(n -> n.name())
        .containsExactly("kind-control-plane", "kind-worker", "kind-worker2");
  }

  @Test
  void anExplicitlyEmptyClusterCidrMeansNoLocalTrafficDetection() {
    Scenario s = ScenarioLoader.load("kp.yaml", """
        apiVersion: kubeproxy.config.k8s.io/v1alpha1
        kind: KubeProxyConfiguration
        clusterCIDR: ""
        """);
    assertThat(s.config().proxy().clusterCidr()).isNull();
    assertThat(ScenarioLoader.load("none.yaml", "apiVersion: v1\nkind: List\nitems: []\n")
        .config().proxy().clusterCidr()).hasToString("10.244.0.0/16");
  }

  @Test
  void everyLessonLoads() {
    List<LessonInfo> lessons = Lessons.list();
    assertThat(lessons).hasSizeGreaterThanOrEqualTo(3);
    assertThat(lessons).allSatisfy(l -> assertThat(Kubewalk.lesson(l.name()).cluster().nodes())
        .isNotEmpty());
  }
}
