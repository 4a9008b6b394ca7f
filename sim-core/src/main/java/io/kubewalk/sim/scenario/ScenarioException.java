package io.kubewalk.sim.scenario;

import java.util.List;
import java.util.stream.Collectors;

/** A scenario that cannot be loaded; carries every problem found, each with its location. */
public final class ScenarioException extends RuntimeException {

  private final List<Problem> problems;

  public ScenarioException(List<Problem> problems) {
    super(problems.stream().sorted().map(Problem::toString).collect(Collectors.joining("\n")));
    this.problems = problems.stream().sorted().toList();
  }

  public ScenarioException(Location at, String message) {
    this(List.of(new Problem(at, message)));
  }

  public List<Problem> problems() {
    return problems;
  }
}
