package io.kubewalk.sim;

import io.kubewalk.sim.control.Cluster;
import io.kubewalk.sim.shell.kubectl.Kubectl;
import java.util.List;

/** A loaded cluster and everything kubewalk can do with it. Immutable and thread-safe. */
public final class Simulation {

  private final Cluster cluster;

  Simulation(Cluster cluster) {
    this.cluster = cluster;
  }

  public Cluster cluster() {
    return cluster;
  }

  /** Runs an emulated {@code kubectl} command, e.g. {@code kubectl("get", "pods", "-A")}. */
  public Kubectl.Result kubectl(String... args) {
    return kubectl(List.of(args));
  }

  public Kubectl.Result kubectl(List<String> args) {
    return new Kubectl(cluster).run(args);
  }
}
