package io.kubewalk.app.cli;

import io.kubewalk.sim.Simulation;
import io.kubewalk.sim.export.GraphExport;
import io.kubewalk.sim.export.NetnsLab;
import io.kubewalk.sim.export.Pcap;
import io.kubewalk.sim.trace.Endpoints;
import io.kubewalk.sim.trace.Trace;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code kubewalk export -s S dot|graphml|netns [-o FILE] [--from F --to T]}. */
@Command(name = "export", mixinStandardHelpOptions = true,
    description = {"Export the topology graph as Graphviz DOT or GraphML, or the scenario as a"
        + " real-namespace lab script (netns).",
        "Namespaces, interfaces, veths, bridge ports, wires and tunnels; with --from/--to the"
            + " trace's path is highlighted. Render DOT with: dot -Tsvg -o topo.svg topo.dot",
        "netns: a bash script that builds the nodes, pods, bridges, veths, VXLAN, routes and"
            + " iptables rules in real Linux network namespaces: sudo ./lab.sh up, then"
            + " ip netns exec kw-node01-client curl -s 10.96.0.80; sudo ./lab.sh down."})
final class ExportCommand implements Callable<Integer> {

  enum Format { dot, graphml, netns, pcap }

  @Spec CommandSpec spec;
  @Mixin ScenarioOptions scenario;
  @Mixin ProxyModeOption proxyMode;

  @Parameters(index = "0", paramLabel = "FORMAT",
      description = "dot, graphml, netns, or pcap (a trace's packets: needs --from, --to, -o)")
  Format format;

  @Option(names = {"-o", "--output"}, paramLabel = "FILE",
      description = "Write to FILE instead of standard output.")
  Path output;

  @Option(names = "--from", paramLabel = "F", description = "Highlight a trace from F ...")
  String from;

  @Option(names = "--to", paramLabel = "T", description = "... to T.")
  String to;

  @Option(names = "--enter", paramLabel = "node/NAME", description = "With --from ip/ADDR.")
  String enter;

  @Option(names = "--reply", description = "pcap: the reply's packets too.")
  boolean reply;

  @Option(names = "--seed", defaultValue = "0", description = "Seed of the trace.")
  long seed;

  @Override
  public Integer call() throws IOException {
    Simulation sim = proxyMode.apply(scenario.load());
    Trace trace = null;
    if ((from == null) != (to == null)) {
      throw new KubewalkCommand.UserError("--from and --to go together");
    }
    if (from != null) {
      try {
        trace = sim.trace(Endpoints.parseFrom(from, enter), Endpoints.parseTo(to), seed, reply);
      } catch (IllegalArgumentException e) {
        throw new KubewalkCommand.UserError(e.getMessage());
      }
    }
    if (format == Format.pcap) {
      if (trace == null || output == null) {
        throw new KubewalkCommand.UserError("export pcap needs --from, --to and -o FILE (a"
            + " pcapng capture of that trace)");
      }
      try {
        Files.write(output, Pcap.bytes(trace, sim.dataplane()));
      } catch (IOException e) {
        throw new KubewalkCommand.UserError("cannot write " + output + ": " + e.getMessage());
      }
      spec.commandLine().getErr().println("kubewalk: wrote " + output + " (" + trace.verdict()
          + "; open it with wireshark or tshark -d udp.port==8472,vxlan -r " + output + ")");
      return 0;
    }
    String text;
    if (format == Format.netns) {
      if (trace != null) {
        throw new KubewalkCommand.UserError("export netns takes no --from/--to");
      }
      try {
        text = NetnsLab.script(sim);
      } catch (IllegalArgumentException e) {
        throw new KubewalkCommand.UserError(e.getMessage());
      }
    } else {
      text = format == Format.dot ? GraphExport.dot(sim.topology(), trace)
          : GraphExport.graphml(sim.topology(), trace);
    }
    if (output == null) {
      spec.commandLine().getOut().print(text);
      spec.commandLine().getOut().flush();
    } else {
      Files.writeString(output, text, StandardCharsets.UTF_8);
      if (format == Format.netns) {
        try {
          Files.setPosixFilePermissions(output, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (UnsupportedOperationException e) {
          output.toFile().setExecutable(true);
        }
      }
      spec.commandLine().getErr().println("kubewalk: wrote " + output);
    }
    return 0;
  }
}
