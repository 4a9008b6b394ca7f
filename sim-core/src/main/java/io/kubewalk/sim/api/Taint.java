package io.kubewalk.sim.api;

/** A node taint, e.g. {@code node-role.kubernetes.io/control-plane:NoSchedule}. */
public record Taint(String key, String value, String effect) {

  public static final Taint CONTROL_PLANE =
      new Taint("node-role.kubernetes.io/control-plane", null, "NoSchedule");

  @Override
  public String toString() {
    return key + (value == null ? "" : "=" + value) + ":" + effect;
  }
}
