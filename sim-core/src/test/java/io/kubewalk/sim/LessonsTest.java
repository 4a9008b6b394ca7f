package io.kubewalk.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubewalk.sim.testkit.Expectations;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every built-in lesson carries its own Expectations document (the flows its narrative talks
 * about and what must happen to them), and every one of them holds: the same check {@code
 * kubewalk test LESSON} runs.
 */
class LessonsTest {

  static Stream<Arguments> lessons() {
    return Kubewalk.lessons().stream().map(l -> Arguments.of(l.name()));
  }

  @ParameterizedTest
  @MethodSource("lessons")
  void everyExpectationOfTheLessonHolds(String lesson) {
    Simulation sim = Kubewalk.lesson(lesson);
    assertThat(sim.cluster().narrative()).isNotBlank();
    assertThat(sim.expectations()).as("the lesson's Expectations").isNotEmpty();
    for (Expectations.Result r : Expectations.check(sim)) {
      assertThat(r.failures()).as("%s: %s", lesson, r.expectation().name()).isEmpty();
    }
  }
}
