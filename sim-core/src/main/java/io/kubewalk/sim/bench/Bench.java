package io.kubewalk.sim.bench;

import io.kubewalk.sim.Kubewalk;
import io.kubewalk.sim.Simulation;
import io.kubewalk.sim.api.Pod;
import io.kubewalk.sim.api.ProxyConfig;
import io.kubewalk.sim.api.Service;
import io.kubewalk.sim.control.Cluster;
import io.kubewalk.sim.gen.Generator;
import io.kubewalk.sim.scenario.ScenarioSource;
import io.kubewalk.sim.trace.Endpoints;
import io.kubewalk.sim.trace.Trace;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Measures kubewalk on a generated cluster: generating it, loading and reconciling it, building
 * the network model, rendering one node's {@code iptables-save}, and tracing random pod-to-
 * ClusterIP connections in each kube-proxy mode (latency percentiles, throughput, and the rules
 * and lookups the kernel would spend per packet). Timings are wall-clock on the current machine;
 * nothing here asserts them.
 */
public final class Bench {

  private Bench() {}

  /** Told what the bench is doing; {@code done} of {@code total} for the long phases. */
  @FunctionalInterface
  public interface Progress {
    void update(String phase, long done, long total);
  }

  /** One kube-proxy mode's trace figures. */
  public record ModeReport(String mode, double buildMillis, int traces, double p50Micros,
      double p99Micros, double tracesPerSecond, double meanRulesEvaluated, double meanLookups,
      int maxRulesEvaluated) {}

  /** Everything measured. */
  public record Report(int nodes, long pods, int services, long scenarioBytes,
      double generateMillis, double loadAndReconcileMillis, double dataplaneMillis,
      long heapAfterGcBytes, double iptablesSaveMillis, int iptablesSaveLines,
      List<ModeReport> modes) {
    public Report {
      modes = List.copyOf(modes);
    }
  }

  public static Report run(Generator.Spec spec, int traces, long seed, Progress progress) {
    progress.update("generate", 0, 1);
    long t0 = System.nanoTime();
    StringWriter text = new StringWriter();
    try {
      Generator.write(spec, text, (w, t) -> progress.update("generate", w, t));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    double generate = millis(t0);
    List<ScenarioSource> src = List.of(new ScenarioSource("bench.yaml", text.toString()));
    long bytes = text.getBuffer().length();
    text = null;
    progress.update("load and reconcile", 0, 1);
    long t1 = System.nanoTime();
    Cluster cluster = Kubewalk.loadCluster(src);
    double load = millis(t1);
    progress.update("network model", 0, 1);
    long t2 = System.nanoTime();
    Simulation sim = Kubewalk.simulate(cluster);
    double dataplane = millis(t2);
    long heap = heapAfterGc();
    String node = cluster.nodes().get(cluster.nodes().size() - 1).name();
    progress.update("iptables-save", 0, 1);
    Simulation ipt = sim.withProxyMode(ProxyConfig.Mode.iptables);
    long t3 = System.nanoTime();
    String save = ipt.exec(node, "iptables-save").out();
    double saveMillis = millis(t3);
    List<Pod> clients = cluster.pods().stream().filter(p -> !p.hostNetwork()
        && p.podIp() != null && !p.namespace().equals("kube-system")).toList();
    List<Service> targets = cluster.services().stream().filter(s -> s.clusterIp() != null
        && !s.headless() && !s.ports().isEmpty() && !s.namespace().equals("kube-system")
        && !s.name().equals("kubernetes")).toList();
    List<ModeReport> modes = new ArrayList<>();
    for (ProxyConfig.Mode m : ProxyConfig.Mode.values()) {
      progress.update(m + " mode: building", 0, 1);
      long tb = System.nanoTime();
      Simulation s = sim.withProxyMode(m);
      double build = millis(tb);
      modes.add(traces(s, m, clients, targets, traces, seed, progress, build));
    }
    return new Report(cluster.nodes().size(), cluster.pods().size(), cluster.services().size(),
        bytes, generate, load, dataplane, heap, saveMillis, (int) save.lines().count(), modes);
  }

  private static ModeReport traces(Simulation sim, ProxyConfig.Mode mode, List<Pod> clients,
      List<Service> targets, int n, long seed, Progress progress, double build) {
    if (clients.isEmpty() || targets.isEmpty() || n <= 0) {
      return new ModeReport(mode.name(), build, 0, 0, 0, 0, 0, 0, 0);
    }
    SplittableRandom rnd = new SplittableRandom(seed);
    int warmup = Math.max(1, n / 10);
    long[] nanos = new long[n];
    long rules = 0;
    long lookups = 0;
    int maxRules = 0;
    long start = 0;
    for (int i = -warmup; i < n; i++) {
      if (i == 0) {
        start = System.nanoTime();
      }
      Pod p = clients.get(rnd.nextInt(clients.size()));
      Service s = targets.get(rnd.nextInt(targets.size()));
      Endpoints.From from = new Endpoints.From.PodRef(p.namespace(), p.name());
      Endpoints.To to = new Endpoints.To.Address(s.clusterIp(), s.ports().get(0).port(),
          s.ports().get(0).protocol());
      long t = System.nanoTime();
      Trace tr = sim.trace(from, to, i);
      long d = System.nanoTime() - t;
      if (i >= 0) {
        nanos[i] = d;
        rules += tr.cost().rulesEvaluated();
        lookups += tr.cost().lookups();
        maxRules = Math.max(maxRules, tr.cost().rulesEvaluated());
        if (i % Math.max(1, n / 20) == 0) {
          progress.update(mode + " mode: tracing", i, n);
        }
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    Arrays.sort(nanos);
    return new ModeReport(mode.name(), build, n, nanos[n / 2] / 1e3,
        nanos[Math.min(n - 1, (int) Math.ceil(n * 0.99) - 1)] / 1e3, n / seconds,
        (double) rules / n, (double) lookups / n, maxRules);
  }

  private static double millis(long since) {
    return (System.nanoTime() - since) / 1e6;
  }

  private static long heapAfterGc() {
    Runtime rt = Runtime.getRuntime();
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return rt.totalMemory() - rt.freeMemory();
  }
}
