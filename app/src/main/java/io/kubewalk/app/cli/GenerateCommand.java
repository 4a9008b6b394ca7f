package io.kubewalk.app.cli;

import io.kubewalk.sim.gen.Generator;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code kubewalk generate (--nodes N ... | --preset limits) [-o FILE]}. */
@Command(name = "generate", mixinStandardHelpOptions = true,
    description = {"Write a large scenario file: a kind Cluster of N nodes and Deployments behind"
        + " ClusterIP Services.",
        "Deterministic for a seed. --preset limits is Kubernetes' documented limits: 5,000"
            + " nodes, 150,000 pods, 10,000 Services (1 to 250 endpoints each)."})
final class GenerateCommand implements Callable<Integer> {

  enum ProxyMode { iptables, ipvs, nftables }

  enum Preset { limits }

  @Spec CommandSpec spec;

  @Option(names = "--nodes", paramLabel = "N",
      description = "Nodes, the control plane included (default 3).")
  Integer nodes;

  @Option(names = "--pods-per-node", paramLabel = "P",
      description = "Application pods per node: N x P in all, spread over the workers"
          + " (default 10, at most 110).")
  Integer podsPerNode;

  @Option(names = "--services", paramLabel = "S",
      description = "ClusterIP Services, each selecting its own Deployment (default 5).")
  Integer services;

  @Option(names = "--endpoints-per-service", paramLabel = "E",
      description = "Replicas of each Service's Deployment (default 3).")
  Integer endpointsPerService;

  @Option(names = "--preset", paramLabel = "NAME",
      description = "A fixed shape instead of the four options above: limits.")
  Preset preset;

  @Option(names = "--proxy-mode", paramLabel = "MODE", defaultValue = "iptables",
      description = "kube-proxy mode of the kind Cluster: iptables, ipvs or nftables"
          + " (default ${DEFAULT-VALUE}).")
  ProxyMode proxyMode;

  @Option(names = "--seed", paramLabel = "N", defaultValue = "0",
      description = "Picks names, namespaces and ports (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = {"-o", "--output"}, paramLabel = "FILE",
      description = "Write to FILE instead of standard output.")
  Path output;

  @Override
  public Integer call() throws IOException {
    Generator.Spec s;
    try {
      if (preset != null) {
        for (Object o : new Object[] {nodes, podsPerNode, services, endpointsPerService}) {
          if (o != null) {
            throw new KubewalkCommand.UserError("--preset " + preset + " fixes the cluster's"
                + " shape (expected no --nodes, --pods-per-node, --services or"
                + " --endpoints-per-service with it)");
          }
        }
        s = Generator.Spec.limits(proxyMode.name(), seed);
      } else {
        s = Generator.Spec.uniform(nodes == null ? 3 : nodes,
            podsPerNode == null ? 10 : podsPerNode, services == null ? 5 : services,
            endpointsPerService == null ? 3 : endpointsPerService, proxyMode.name(), seed);
      }
    } catch (IllegalArgumentException e) {
      throw new KubewalkCommand.UserError(e.getMessage());
    }
    PrintWriter err = spec.commandLine().getErr();
    long started = System.nanoTime();
    if (output == null) {
      PrintWriter out = spec.commandLine().getOut();
      Generator.write(s, out, Generator.Progress.NONE);
      out.flush();
    } else {
      Progress progress = new Progress(err);
      Generator.Summary sum;
      try (Writer w = Files.newBufferedWriter(output, StandardCharsets.UTF_8)) {
        sum = Generator.write(s, w, progress);
      } catch (IOException e) {
        throw new KubewalkCommand.UserError("cannot write " + output + ": "
            + (e instanceof java.nio.file.NoSuchFileException ? "no such directory"
                : e instanceof java.nio.file.AccessDeniedException ? "permission denied"
                : String.valueOf(e.getMessage())) + " (expected a writable file path)");
      }
      err.println(String.format(Locale.ROOT, "kubewalk: wrote %s (%,d bytes in %.1f s): %,d"
          + " nodes, %,d application pods in %,d Deployments, %,d Services, %,d namespace(s)",
          output, Files.size(output), (System.nanoTime() - started) / 1e9, sum.nodes(),
          sum.pods(), sum.deployments(), sum.services(), sum.namespaces()));
    }
    return 0;
  }

  /** A line on stderr every 10% of a large output. */
  private static final class Progress implements Generator.Progress {
    private static final long LARGE = 5_000;
    private final PrintWriter err;
    private int lastTenth;

    Progress(PrintWriter err) {
      this.err = err;
    }

    @Override
    public void update(long written, long total) {
      if (total < LARGE) {
        return;
      }
      int tenth = (int) (written * 10 / total);
      if (tenth > lastTenth && tenth < 10) {
        lastTenth = tenth;
        err.println(String.format(Locale.ROOT, "kubewalk: generate: %d%% (%,d of %,d objects)",
            tenth * 10, written, total));
        err.flush();
      }
    }
  }
}
