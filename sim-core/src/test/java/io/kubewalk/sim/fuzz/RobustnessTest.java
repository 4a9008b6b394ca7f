package io.kubewalk.sim.fuzz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.kubewalk.sim.Kubewalk;
import io.kubewalk.sim.Simulation;
import io.kubewalk.sim.api.Pod;
import io.kubewalk.sim.scenario.LessonInfo;
import io.kubewalk.sim.scenario.Problem;
import io.kubewalk.sim.scenario.ScenarioException;
import io.kubewalk.sim.scenario.ScenarioSource;
import io.kubewalk.sim.trace.Endpoints;
import io.kubewalk.sim.trace.Step;
import io.kubewalk.sim.trace.Trace;
import io.kubewalk.sim.trace.TraceJson;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Seeded fuzzing and properties: whatever a user feeds kubewalk, the only outcomes are a result or
 * a located error. {@code -Dfuzz.iterations=N} runs longer than the default.
 */
class RobustnessTest {

  private static final int ITERATIONS = Integer.getInteger("fuzz.iterations", 1500);
  private static final String NOISE = ":-[]{}&*!|>#'\"\n\t ,0123456789abz./%@`";

  @Test
  void mutatedScenariosLoadOrFailWithLocatedProblemsOnly() {
    List<String> seeds = new ArrayList<>();
    for (LessonInfo l : Kubewalk.lessons()) {
      seeds.add(ScenarioSource.lesson(l.name()).text());
    }
    SplittableRandom r = new SplittableRandom(42);
    int loaded = 0;
    int refused = 0;
    for (int i = 0; i < ITERATIONS; i++) {
      String text = mutate(seeds.get(r.nextInt(seeds.size())), r);
      try {
        Simulation sim = Kubewalk.fromYaml("fuzz.yaml", text);
        assertThat(sim.cluster().nodes()).isNotEmpty();
        loaded++;
      } catch (ScenarioException e) {
        assertThat(e.problems()).isNotEmpty();
        for (Problem p : e.problems()) {
          assertThat(p.toString()).matches("(?s)fuzz\\.yaml:\\d+:\\d+: .+");
        }
        refused++;
      } catch (RuntimeException | StackOverflowError e) {
        fail("input #" + i + " broke the loader with " + e + ":\n" + text, e);
      }
    }
    assertThat(loaded).isPositive();
    assertThat(refused).isPositive();
  }

  private static String mutate(String s, SplittableRandom r) {
    StringBuilder b = new StringBuilder(s);
    int edits = 1 + r.nextInt(4);
    for (int k = 0; k < edits && b.length() > 0; k++) {
      int at = r.nextInt(b.length());
      switch (r.nextInt(4)) {
        case 0 -> b.deleteCharAt(at);
        case 1 -> b.insert(at, NOISE.charAt(r.nextInt(NOISE.length())));
        case 2 -> {
          int end = Math.min(b.length(), at + 1 + r.nextInt(40));
          b.delete(at, end);
        }
        default -> {
          int lineStart = b.lastIndexOf("\n", at) + 1;
          int lineEnd = b.indexOf("\n", at);
          if (lineEnd > lineStart) {
            b.insert(lineStart, b.substring(lineStart, lineEnd + 1));
          }
        }
      }
    }
    return b.toString();
  }

  @Test
  void endpointParsersReturnAValueOrAClearError() {
    SplittableRandom r = new SplittableRandom(7);
    String alphabet = "podnextrlip/.:0123456789-abc_ ";
    String[] prefixes = {"pod/", "node/", "external/", "ip/", "svc/", "", "10.", "pod/default/"};
    for (int i = 0; i < ITERATIONS * 4; i++) {
      StringBuilder b = new StringBuilder(prefixes[r.nextInt(prefixes.length)]);
      int len = r.nextInt(24);
      for (int k = 0; k < len; k++) {
        b.append(alphabet.charAt(r.nextInt(alphabet.length())));
      }
      String text = b.toString();
      try {
        Endpoints.parseFrom(text, r.nextBoolean() ? "node/node01" : null);
      } catch (IllegalArgumentException e) {
        assertThat(e.getMessage()).isNotBlank();
      }
      try {
        Endpoints.parseTo(text);
      } catch (IllegalArgumentException e) {
        assertThat(e.getMessage()).isNotBlank();
      }
    }
  }

  @Test
  void everyPodPairOfEveryLessonEndsInAVerdictWithTtlNeverRising() {
    int traces = 0;
    for (LessonInfo l : Kubewalk.lessons()) {
      Simulation sim = Kubewalk.lesson(l.name());
      List<String> from = new ArrayList<>();
      List<String> to = new ArrayList<>();
      for (Pod p : sim.cluster().pods()) {
        from.add("pod/" + p.key());
        to.add("pod/" + p.key() + ":80/tcp");
      }
      sim.cluster().nodes().forEach(n -> from.add("node/" + n.name()));
      for (String f : from) {
        for (String t : to) {
          Trace tr = sim.trace(f, t, traces);
          assertThat(tr.verdict()).isNotNull();
          int ttl = 65;
          for (Step s : tr.steps()) {
            if (s.packet().outer() == null) {
              assertThat(s.packet().ttl()).as("%s %s -> %s step %d", l.name(), f, t, s.index())
                  .isLessThanOrEqualTo(ttl);
              ttl = s.packet().ttl();
            }
          }
          assertThat(TraceJson.write(tr)).isEqualTo(TraceJson.write(sim.trace(f, t, traces)));
          traces++;
        }
      }
    }
    assertThat(traces).isGreaterThan(500);
  }
}
