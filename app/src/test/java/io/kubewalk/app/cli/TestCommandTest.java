package io.kubewalk.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubewalk.sim.Kubewalk;
import io.kubewalk.sim.scenario.LessonInfo;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kubewalk test}: the built-in lessons pass; a false promise fails with its trace. */
class TestCommandTest {

  @Test
  void everyBuiltInLessonPasses() {
    List<String> args = new ArrayList<>(List.of("test"));
    Kubewalk.lessons().stream().map(LessonInfo::name).forEach(args::add);
    CliTest.Run r = CliTest.run(args.toArray(String[]::new));
    assertThat(r.code()).as(r.out()).isZero();
    assertThat(r.out()).doesNotContain("FAIL").contains(" passed, 0 failed");
    assertThat(r.out().lines().filter(l -> l.startsWith("PASS  ")).count())
        .isGreaterThanOrEqualTo(Kubewalk.lessons().size());
  }

  @Test
  void aFalseExpectationFailsWithItsTraceAndAJunitReport(@TempDir Path dir) throws IOException {
    String lesson;
    try (InputStream in = Kubewalk.class.getResourceAsStream("lessons/clusterip.yaml")) {
      lesson = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    String wrong = lesson.replaceFirst("servedBy: \\[default/web-1, default/web-2\\]",
        "servedBy: [default/web-1]");
    assertThat(wrong).isNotEqualTo(lesson);
    Path file = dir.resolve("wrong.yaml");
    Files.writeString(file, wrong);
    Path junit = dir.resolve("report.xml");
    CliTest.Run r = CliTest.run("test", file.toString(), "--junit", junit.toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out()).contains("FAIL  " + file + ": ClusterIP to both pods")
        .contains("expected [default/web-1]").contains("trace (seed 0):")
        .contains("KUBE-SVC-").contains("1 failed");
    assertThat(Files.readString(junit)).contains("<failure message=\"served by")
        .contains("tests=\"3\" failures=\"1\"");
  }

  @Test
  void aScenarioWithoutExpectationsOrWithBadOnesExitsTwo(@TempDir Path dir) throws IOException {
    CliTest.Run none = CliTest.run("test", "kubeadm-flannel", "sim-core-does-not-exist.yaml");
    assertThat(none.code()).isEqualTo(2);
    Path bad = dir.resolve("bad.yaml");
    Files.writeString(bad, "apiVersion: kubewalk.io/v1alpha1\nkind: Expectations\nflows:\n"
        + "  - name: x\n    from: pod/default/a\n    to: 10.0.0.1:80/tcp\n"
        + "    expect: {verdict: ARRIVED}\n");
    CliTest.Run r = CliTest.run("test", bad.toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains(bad + ":7:23: verdict 'ARRIVED' is not a verdict");
  }
}
