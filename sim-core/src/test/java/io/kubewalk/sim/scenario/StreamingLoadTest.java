package io.kubewalk.sim.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.kubewalk.sim.gen.Generator;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Reading document by document (large scenarios) gives what reading all documents first does. */
class StreamingLoadTest {

  private static void sameBothWays(List<ScenarioSource> sources) {
    Scenario ordinary;
    try {
      ordinary = ScenarioLoader.load(sources, false);
    } catch (ScenarioException e) {
      ScenarioException streamed = catchThrowableOfType(
          () -> ScenarioLoader.load(sources, true), ScenarioException.class);
      assertThat(streamed).isNotNull();
      assertThat(streamed.problems()).isEqualTo(e.problems());
      return;
    }
    assertThat(ScenarioLoader.load(sources, true)).isEqualTo(ordinary);
  }

  static List<String> lessons() {
    return Lessons.names();
  }

  @ParameterizedTest
  @MethodSource("lessons")
  void everyLesson(String lesson) {
    sameBothWays(List.of(ScenarioSource.lesson(lesson)));
  }

  static Stream<Path> badInputs() throws IOException {
    try (Stream<Path> files = Files.list(Path.of(
        "src/test/resources/io/kubewalk/sim/scenario/bad"))) {
      return files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList().stream();
    }
  }

  @ParameterizedTest
  @MethodSource("badInputs")
  void everyBadInput(Path file) {
    sameBothWays(List.of(ScenarioSource.file(file)));
  }

  @Test
  void aGeneratedScenario() throws IOException {
    StringWriter w = new StringWriter();
    Generator.write(Generator.Spec.uniform(5, 20, 10, 6, "ipvs", 3), w,
        Generator.Progress.NONE);
    List<ScenarioSource> sources = List.of(new ScenarioSource("gen.yaml", w.toString()));
    assertThat(ScenarioLoader.streamed(sources)).isNotNull();
    sameBothWays(sources);
  }

  @Test
  void aLargeScenarioReadInParts() throws IOException {
    StringWriter w = new StringWriter();
    Generator.write(Generator.Spec.uniform(300, 40, 2000, 5, "iptables", 1), w,
        Generator.Progress.NONE);
    assertThat(w.toString().length()).isGreaterThan(YamlTree.SPLIT_CHARS);
    List<ScenarioSource> sources = List.of(new ScenarioSource("gen.yaml", w.toString()));
    assertThat(ScenarioLoader.streamed(sources)).isNotNull();
    sameBothWays(sources);
  }

  @Test
  void configurationAfterTheManifests() {
    String apps = """
        apiVersion: v1
        kind: Service
        metadata: {name: web}
        spec:
          clusterIP: 10.100.0.20
          ports: [{port: 80}]
        """;
    String cluster = """
        apiVersion: kind.x-k8s.io/v1alpha4
        kind: Cluster
        networking: {serviceSubnet: 10.100.0.0/16}
        """;
    sameBothWays(List.of(new ScenarioSource("apps.yaml", apps),
        new ScenarioSource("cluster.yaml", cluster)));
    List<ScenarioSource> sources = List.of(new ScenarioSource("apps.yaml", apps),
        new ScenarioSource("cluster.yaml", cluster));
    assertThat(ScenarioLoader.streamed(sources)).isNull();
    assertThat(ScenarioLoader.load(sources, true).services()).hasSize(1);
  }

  @Test
  void problemsInTheMiddleOfALargeScenario() throws IOException {
    StringWriter w = new StringWriter();
    Generator.write(Generator.Spec.uniform(300, 40, 2000, 5, "iptables", 1), w,
        Generator.Progress.NONE);
    String text = w.toString();
    int mid = text.indexOf("---\napiVersion: v1\nkind: Service", text.length() / 2);
    String bad = text.substring(0, mid) + "---\napiVersion: v1\nkind: Service\nmetadata:\n"
        + "  name: bad\nspec:\n  type: NodePort\n  ports:\n  - port: 80\n    nodePort: 80\n"
        + "---\nkind: Thing\n" + text.substring(mid);
    sameBothWays(List.of(new ScenarioSource("gen.yaml", bad)));
  }
}
