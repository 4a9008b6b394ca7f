package io.kubewalk.sim.gen;

import io.kubewalk.sim.control.Cluster;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Measures by hand (not a test): {@code ScaleMeasure FILE [generate]} generates the limits preset
 * into FILE when asked, then loads and reconciles it and prints the wall time and the heap in use
 * after a full GC with the Cluster still reachable.
 */
public final class ScaleMeasure {

  private ScaleMeasure() {}

  public static void main(String[] args) throws Exception {
    Path file = Path.of(args[0]);
    if (args.length > 1 && args[1].equals("generate")) {
      long t0 = System.nanoTime();
      try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
        Generator.write(Generator.Spec.limits("iptables", 0), w, Generator.Progress.NONE);
      }
      System.out.printf(Locale.ROOT, "generate: %.2f s, %d bytes%n",
          (System.nanoTime() - t0) / 1e9, Files.size(file));
    }
    int runs = Integer.getInteger("runs", 1);
    for (int r = 1; r < runs; r++) {
      measure(file);
    }
    measure(file);
  }

  private static void measure(Path file) {
    com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean)
        java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    long c0 = os.getProcessCpuTime();
    long t0 = System.nanoTime();
    io.kubewalk.sim.scenario.Scenario sc = io.kubewalk.sim.scenario.ScenarioLoader.load(
        java.util.List.of(io.kubewalk.sim.scenario.ScenarioSource.file(file)));
    long t1 = System.nanoTime();
    long c1 = os.getProcessCpuTime();
    Cluster c = io.kubewalk.sim.control.ControlPlane.reconcile(sc);
    sc = null;
    double secs = (System.nanoTime() - t0) / 1e9;
    long c2 = os.getProcessCpuTime();
    System.out.printf(Locale.ROOT, "load %.2f s (cpu %.2f s), reconcile %.2f s (cpu %.2f s)%n",
        (t1 - t0) / 1e9, (c1 - c0) / 1e9, (System.nanoTime() - t1) / 1e9, (c2 - c1) / 1e9);
    Runtime rt = Runtime.getRuntime();
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    long used = rt.totalMemory() - rt.freeMemory();
    long peak = java.lang.management.ManagementFactory.getMemoryPoolMXBeans().stream()
        .filter(m -> m.getType() == java.lang.management.MemoryType.HEAP)
        .mapToLong(m -> m.getPeakUsage().getUsed()).sum();
    System.out.printf(Locale.ROOT, "peak heap (sum of pool peaks) %.0f MiB%n", peak / 1048576.0);
    long endpoints = c.endpointSlices().stream().mapToLong(s -> s.endpoints().size()).sum();
    System.out.printf(Locale.ROOT, "load+reconcile: %.2f s; heap after GC %.0f MiB (max %.0f"
        + " MiB); %d nodes, %d pods, %d services, %d slices, %d endpoints%n", secs,
        used / 1048576.0, rt.maxMemory() / 1048576.0, c.nodes().size(), c.pods().size(),
        c.services().size(), c.endpointSlices().size(), endpoints);
  }
}
