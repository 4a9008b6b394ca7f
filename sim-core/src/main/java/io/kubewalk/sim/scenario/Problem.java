package io.kubewalk.sim.scenario;

/**
 * One thing wrong with a scenario, printed as {@code file:line:col: what is wrong (what was
 * expected)}.
 */
public record Problem(Location location, String message) implements Comparable<Problem> {

  @Override
  public int compareTo(Problem o) {
    int c = location.file().compareTo(o.location.file());
    if (c == 0) {
      c = Integer.compare(location.line(), o.location.line());
    }
    if (c == 0) {
      c = Integer.compare(location.column(), o.location.column());
    }
    return c != 0 ? c : message.compareTo(o.message);
  }

  @Override
  public String toString() {
    return location + ": " + message;
  }
}
