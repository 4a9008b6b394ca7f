package io.kubewalk.sim;

import io.kubewalk.sim.api.ProxyConfig;
import io.kubewalk.sim.cni.Dataplane;
import io.kubewalk.sim.control.ApiTimeline;
import io.kubewalk.sim.control.Cluster;
import io.kubewalk.sim.graph.TopologyGraph;
import io.kubewalk.sim.proxy.KubeProxy;
import io.kubewalk.sim.scenario.Expectation;
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
  private final KubeProxy proxy;
  private final Tracer tracer;
  private final List<Expectation> expectations;

  Simulation(Cluster cluster, List<Expectation> expectations) {
    this(cluster, Dataplane.build(cluster), cluster.config().proxy().mode(), expectations);
  }

  private Simulation(Cluster cluster, Dataplane dataplane, ProxyConfig.Mode mode,
      List<Expectation> expectations) {
    this.cluster = cluster;
    this.expectations = List.copyOf(expectations);
    this.dataplane = dataplane;
    this.proxy = KubeProxy.program(dataplane, mode);
    this.tracer = new Tracer(dataplane, proxy);
  }

  /** The same cluster with kube-proxy in another mode ({@code --proxy-mode}). */
  public Simulation withProxyMode(ProxyConfig.Mode mode) {
    return mode == proxy.mode() ? this : new Simulation(cluster, Dataplane.build(cluster), mode,
        expectations);
  }

  /** The flows the scenario's Expectations documents promise (see {@code kubewalk test}). */
  public List<Expectation> expectations() {
    return expectations;
  }

  /** What kube-proxy (and the kubelet and CNI plugin) programmed on every node. */
  public KubeProxy kubeProxy() {
    return proxy;
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
    return new Shell(dataplane, proxy).run(target, argv);
  }

  /**
   * Runs a command after a trace, so that {@code conntrack -L} shows the entries the traced
   * connection left on the node.
   */
  public Shell.Result exec(Trace after, String target, List<String> argv) {
    return new Shell(dataplane, proxy, after.conntrack()).run(target, argv);
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

  /** As {@link #trace(Endpoints.From, Endpoints.To, long)}, with the reply when {@code reply}. */
  public Trace trace(Endpoints.From from, Endpoints.To to, long seed, boolean reply) {
    return tracer.trace(from, to, seed, reply);
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
