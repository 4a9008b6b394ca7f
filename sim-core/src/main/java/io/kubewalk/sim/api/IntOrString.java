package io.kubewalk.sim.api;

/** A Service targetPort: a number, or the name of a container port. */
public record IntOrString(Integer number, String name) {

  public IntOrString {
    if ((number == null) == (name == null)) {
      throw new IllegalArgumentException("exactly one of number and name");
    }
  }

  public static IntOrString of(int number) {
    return new IntOrString(number, null);
  }

  public static IntOrString of(String name) {
    return new IntOrString(null, name);
  }

  public boolean isNumber() {
    return number != null;
  }

  @Override
  public String toString() {
    return isNumber() ? number.toString() : name;
  }
}
