package io.kubewalk.sim.scenario;

/** Where something was written: file (or lesson resource), 1-based line and column. */
public record Location(String file, int line, int column) {

  public static Location of(String file) {
    return new Location(file, 1, 1);
  }

  @Override
  public String toString() {
    return file + ":" + line + ":" + column;
  }
}
