package io.kubewalk.app.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.kubewalk.sim.bench.Bench;
import io.kubewalk.sim.gen.Generator;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code kubewalk bench [--nodes N --pods-per-node P --services S --endpoints-per-service E |
 * --preset limits] [--traces N] [--json]}: generates a cluster and measures kubewalk on it.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Measure load, network model, iptables-save and trace latency in each"
        + " kube-proxy mode on a generated cluster.")
final class BenchCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--nodes", defaultValue = "100", description = "Nodes (default: ${DEFAULT-VALUE}).")
  int nodes;

  @Option(names = "--pods-per-node", defaultValue = "30",
      description = "Application pods per node (default: ${DEFAULT-VALUE}).")
  int podsPerNode;

  @Option(names = "--services", defaultValue = "1000",
      description = "Services (default: ${DEFAULT-VALUE}).")
  int services;

  @Option(names = "--endpoints-per-service", defaultValue = "3",
      description = "Endpoints per Service (default: ${DEFAULT-VALUE}).")
  int endpoints;

  @Option(names = "--preset", paramLabel = "limits",
      description = "limits: 5,000 nodes, 150,000 pods, 10,000 Services.")
  String preset;

  @Option(names = "--traces", defaultValue = "10000",
      description = "Random pod-to-ClusterIP traces per mode (default: ${DEFAULT-VALUE}).")
  int traces;

  @Option(names = "--seed", defaultValue = "0", description = "Seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--json", description = "Print the report as JSON.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    Generator.Spec s;
    try {
      if (preset != null && !preset.equals("limits")) {
        throw new IllegalArgumentException("--preset " + preset + " is not known (expected"
            + " limits)");
      }
      s = preset != null ? Generator.Spec.limits("iptables", seed)
          : Generator.Spec.uniform(nodes, podsPerNode, services, endpoints, "iptables", seed);
      if (traces < 1) {
        throw new IllegalArgumentException("--traces " + traces + " (expected 1 or more)");
      }
    } catch (IllegalArgumentException e) {
      throw new KubewalkCommand.UserError(e.getMessage());
    }
    PrintWriter err = spec.commandLine().getErr();
    long[] last = {0};
    Bench.Report r = Bench.run(s, traces, seed, (phase, done, total) -> {
      long now = System.nanoTime();
      if (done == 0 || now - last[0] > 1_000_000_000L) {
        last[0] = now;
        err.println(String.format(Locale.ROOT, "kubewalk bench: %s%s", phase,
            total > 1 ? String.format(Locale.ROOT, " %d%%", 100 * done / total) : ""));
        err.flush();
      }
    });
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
          .writeValueAsString(r));
    } else {
      out.println(String.format(Locale.ROOT, "cluster: %,d nodes, %,d pods, %,d Services"
          + " (%,d bytes of YAML)", r.nodes(), r.pods(), r.services(), r.scenarioBytes()));
      out.println(String.format(Locale.ROOT, "generate %.0f ms, load+reconcile %.0f ms, network"
          + " model %.0f ms, heap after GC %,d MiB", r.generateMillis(),
          r.loadAndReconcileMillis(), r.dataplaneMillis(), r.heapAfterGcBytes() >> 20));
      out.println(String.format(Locale.ROOT, "one node's iptables-save: %,d lines in %.0f ms",
          r.iptablesSaveLines(), r.iptablesSaveMillis()));
      out.println(String.format(Locale.ROOT, "%-9s %9s %8s %10s %10s %10s %12s %9s", "mode",
          "build ms", "traces", "p50 us", "p99 us", "traces/s", "rules/pkt", "lookups"));
      for (Bench.ModeReport m : r.modes()) {
        out.println(String.format(Locale.ROOT, "%-9s %9.0f %8d %10.1f %10.1f %10.0f %12.1f %9.1f",
            m.mode(), m.buildMillis(), m.traces(), m.p50Micros(), m.p99Micros(),
            m.tracesPerSecond(), m.meanRulesEvaluated(), m.meanLookups()));
      }
    }
    out.flush();
    return 0;
  }
}
