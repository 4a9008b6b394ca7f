package io.kubewalk.sim;

import io.kubewalk.sim.cni.Dataplane;
import io.kubewalk.sim.control.ApiTimeline;
import io.kubewalk.sim.control.Cluster;
import io.kubewalk.sim.graph.TopologyGraph;
import io.kubewalk.sim.shell.Shell;
import io.kubewalk.sim.shell.kubectl.Kubectl;
import io.kubewalk.sim.trace.Endpoints;
import io.kubewalk.sim.trace.Trace;
import io.kubewalk.sim.trace.Tracer;
import java.util.List;

/** A loaded cluster and everything kubewalk can do with it. Immutable and thread-safe. */
public final class Simulation {

  private final Cluster cluster;
  private final Dataplane dataplane;
  private final Tracer tracer;

  Simulation(Cluster cluster) {
    this.cluster = cluster;
    this.dataplane = Dataplane.build(cluster);
    this.tracer = new Tracer(dataplane);
  }

  /** Every node's and pod's network namespace, as the CNI plugin wired them. */
  public Dataplane dataplane() {
    return dataplane;
  }

  /**
   * Runs a command on a node ({@code "node01"}) or in a pod ({@code "pod/default/web"}), e.g.
   * {@code exec("controlplane", "ip", "route")}.
   */
  public Shell.Result exec(String target, String... argv) {
    return exec(target, List.of(argv));
  }

  public Shell.Result exec(String target, List<String> argv) {
    return new Shell(dataplane).run(target, argv);
  }

  public Cluster cluster() {
    return cluster;
  }

  /**
   * Traces a packet, e.g. {@code trace("pod/default/client", "pod/default/web:80/tcp", 0)}. The
   * forms are the CLI's {@code --from}/{@code --to}; {@code seed} makes random choices
   * reproducible. Bad forms or unknown names throw {@link IllegalArgumentException}.
   */
  public Trace trace(String from, String to, long seed) {
    return trace(Endpoints.parseFrom(from, null), Endpoints.parseTo(to), seed);
  }

  public Trace trace(Endpoints.From from, Endpoints.To to, long seed) {
    return tracer.trace(from, to, seed);
  }

  /** The topology as a graph of namespaces, interfaces and links (see {@link TopologyGraph}). */
  public TopologyGraph topology() {
    return tracer.topology();
  }

  /** The hub-and-spoke API calls of applying this scenario (see {@link ApiTimeline}). */
  public List<ApiTimeline.ApiCall> apiTimeline() {
    return ApiTimeline.of(cluster);
  }

  /** Runs an emulated {@code kubectl} command, e.g. {@code kubectl("get", "pods", "-A")}. */
  public Kubectl.Result kubectl(String... args) {
    return kubectl(List.of(args));
  }

  public Kubectl.Result kubectl(List<String> args) {
    return new Kubectl(cluster).run(args);
  }
}
