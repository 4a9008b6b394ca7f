package io.kubewalk.app.cli;

import io.kubewalk.sim.Simulation;
import io.kubewalk.sim.trace.Endpoints;
import io.kubewalk.sim.trace.Step;
import io.kubewalk.sim.trace.Trace;
import io.kubewalk.sim.trace.TraceJson;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code kubewalk trace -s S --from F --to T [--seed N] [--json]}. */
@Command(name = "trace", mixinStandardHelpOptions = true,
    description = "Trace a packet hop by hop through the cluster.")
final class TraceCommand implements Callable<Integer> {

  @Spec CommandSpec spec;
  @Mixin ScenarioOptions scenario;

  @Option(names = "--from", required = true, paramLabel = "F",
      description = "pod/NS/NAME, node/NAME, external/NAME or ip/ADDR (with --enter node/NAME)")
  String from;

  @Option(names = "--enter", paramLabel = "node/NAME",
      description = "With --from ip/ADDR: the node whose eth0 the packet arrives on.")
  String enter;

  @Option(names = "--to", required = true, paramLabel = "T",
      description = "IP:PORT/PROTO or pod/NS/NAME:PORT[/PROTO]")
  String to;

  @Option(names = "--seed", defaultValue = "0", description = "Seed for random choices"
      + " (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--json", description = "Print the trace as JSON (the documented contract).")
  boolean json;

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
    Simulation sim = scenario.load();
    Trace trace;
    try {
      trace = sim.trace(f, t, seed);
    } catch (IllegalArgumentException e) {
      throw new KubewalkCommand.UserError(e.getMessage());
    }
    PrintWriter out = spec.commandLine().getOut();
    out.print(json ? TraceJson.write(trace) : text(trace));
    out.flush();
    return 0;
  }

  /** Numbered hops a student can read: where, what, and the packet after the step. */
  static String text(Trace t) {
    StringBuilder sb = new StringBuilder();
    String lastNs = null;
    for (Step s : t.steps()) {
      String ns = s.node() + " / " + s.netns();
      if (!ns.equals(lastNs)) {
        sb.append("[").append(ns).append("]\n");
        lastNs = ns;
      }
      sb.append(String.format(Locale.ROOT, "%3d  %-9s %-12s %s\n", s.index(), s.kind(),
          s.device() == null ? "" : s.device(), s.detail()));
      if (s.rule() != null) {
        sb.append("                          rule: ").append(s.rule()).append('\n');
      }
      var p = s.packet();
      sb.append("                          packet: ").append(p.src()).append(':')
          .append(p.sport()).append(" -> ").append(p.dst()).append(':').append(p.dport())
          .append(' ').append(p.proto().lower()).append(" ttl ").append(p.ttl());
      if (p.outer() != null) {
        sb.append(" | outer ").append(p.outer().src()).append(" -> ").append(p.outer().dst())
            .append(p.outer().dport() == 0 ? " ipip" : " udp/" + p.outer().dport() + " vni "
                + p.outer().vni());
      }
      sb.append('\n');
    }
    sb.append('\n').append(t.verdict());
    if (t.deliveredTo() != null) {
      sb.append(": ").append(t.deliveredTo().kind()).append(' ').append(t.deliveredTo().name())
          .append(" (").append(t.deliveredTo().ip()).append(':').append(t.deliveredTo().port())
          .append("), source seen as ").append(t.sourceSeen());
    }
    sb.append('\n');
    if (t.reason() != null) {
      sb.append("why:  ").append(t.reason()).append('\n');
    }
    if (t.hint() != null) {
      sb.append("hint: ").append(t.hint()).append('\n');
    }
    return sb.toString();
  }
}
