package io.kubewalk.app.cli;

import io.kubewalk.sim.Simulation;
import io.kubewalk.sim.export.GraphExport;
import io.kubewalk.sim.trace.Endpoints;
import io.kubewalk.sim.trace.Trace;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code kubewalk export -s S dot|graphml [-o FILE] [--from F --to T]}. */
@Command(name = "export", mixinStandardHelpOptions = true,
    description = {"Export the topology graph as Graphviz DOT or GraphML.",
        "Namespaces, interfaces, veths, bridge ports, wires and tunnels; with --from/--to the"
            + " trace's path is highlighted. Render DOT with: dot -Tsvg -o topo.svg topo.dot"})
final class ExportCommand implements Callable<Integer> {

  enum Format { dot, graphml }

  @Spec CommandSpec spec;
  @Mixin ScenarioOptions scenario;

  @Parameters(index = "0", paramLabel = "FORMAT", description = "dot or graphml")
  Format format;

  @Option(names = {"-o", "--output"}, paramLabel = "FILE",
      description = "Write to FILE instead of standard output.")
  Path output;

  @Option(names = "--from", paramLabel = "F", description = "Highlight a trace from F ...")
  String from;

  @Option(names = "--to", paramLabel = "T", description = "... to T.")
  String to;

  @Override
  public Integer call() throws IOException {
    Simulation sim = scenario.load();
    Trace trace = null;
    if ((from == null) != (to == null)) {
      throw new KubewalkCommand.UserError("--from and --to go together");
    }
    if (from != null) {
      try {
        trace = sim.trace(Endpoints.parseFrom(from, null), Endpoints.parseTo(to), 0);
      } catch (IllegalArgumentException e) {
        throw new KubewalkCommand.UserError(e.getMessage());
      }
    }
    String text = format == Format.dot ? GraphExport.dot(sim.topology(), trace)
        : GraphExport.graphml(sim.topology(), trace);
    if (output == null) {
      spec.commandLine().getOut().print(text);
      spec.commandLine().getOut().flush();
    } else {
      Files.writeString(output, text, StandardCharsets.UTF_8);
      spec.commandLine().getErr().println("kubewalk: wrote " + output);
    }
    return 0;
  }
}
