package io.kubewalk.app.cli;

import io.kubewalk.sim.Simulation;
import io.kubewalk.sim.export.Pcap;
import io.kubewalk.sim.trace.Endpoints;
import io.kubewalk.sim.trace.Trace;
import io.kubewalk.sim.trace.TraceJson;
import io.kubewalk.sim.trace.TraceText;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code kubewalk trace -s S --from F --to T [--seed N] [--reply] [--json] [--pcap FILE]}. */
@Command(name = "trace", mixinStandardHelpOptions = true,
    description = "Trace a packet hop by hop through the cluster.")
final class TraceCommand implements Callable<Integer> {

  @Spec CommandSpec spec;
  @Mixin ScenarioOptions scenario;
  @Mixin ProxyModeOption proxyMode;

  @Option(names = "--from", required = true, paramLabel = "F",
      description = "pod/NS/NAME, node/NAME, external/NAME or ip/ADDR (with --enter node/NAME)")
  String from;

  @Option(names = "--enter", paramLabel = "node/NAME",
      description = "With --from ip/ADDR: the node whose eth0 the packet arrives on.")
  String enter;

  @Option(names = "--to", required = true, paramLabel = "T",
      description = "IP:PORT/PROTO, svc/NS/NAME:PORT, pod/NS/NAME:PORT[/PROTO] or a Service"
          + " DNS name NAME[.NS[.svc[.cluster.local]]]:PORT/PROTO")
  String to;

  @Option(names = "--seed", defaultValue = "0", description = "Seed for random choices"
      + " (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--json", description = "Print the trace as JSON (the documented contract).")
  boolean json;

  @Option(names = "--reply", description = "Also trace the answer (TCP SYN-ACK) back to the"
      + " client through conntrack's reverse translations.")
  boolean reply;

  @Option(names = "--pcap", paramLabel = "FILE",
      description = "Also write the trace as a pcapng capture (Wireshark, tshark).")
  String pcap;

  @Override
  public Integer call() {
    Endpoints.From f;
    Endpoints.To t;
    try {
      f = Endpoints.parseFrom(from, enter);
      t = Endpoints.parseTo(to);
    } catch (IllegalArgumentException e) {
      throw new KubewalkCommand.UserError(e.getMessage());
    }
    Simulation sim = proxyMode.apply(scenario.load());
    Trace trace;
    try {
      trace = sim.trace(f, t, seed, reply);
    } catch (IllegalArgumentException e) {
      throw new KubewalkCommand.UserError(e.getMessage());
    }
    if (pcap != null) {
      writePcap(trace, sim);
    }
    PrintWriter out = spec.commandLine().getOut();
    out.print(json ? TraceJson.write(trace) : TraceText.render(trace));
    out.flush();
    return 0;
  }

  private void writePcap(Trace trace, Simulation sim) {
    try (OutputStream os = Files.newOutputStream(Path.of(pcap))) {
      Pcap.write(trace, sim.dataplane(), os);
    } catch (InvalidPathException e) {
      throw new KubewalkCommand.UserError("cannot write pcap file " + pcap + ": "
          + e.getReason());
    } catch (IOException e) {
      String why = e instanceof NoSuchFileException ? "no such directory"
          : e instanceof AccessDeniedException ? "permission denied"
          : e instanceof FileSystemException fs && fs.getReason() != null ? fs.getReason()
          : String.valueOf(e.getMessage()).lines().findFirst().orElse("I/O error");
      throw new KubewalkCommand.UserError("cannot write pcap file " + pcap + ": " + why);
    }
  }
}
