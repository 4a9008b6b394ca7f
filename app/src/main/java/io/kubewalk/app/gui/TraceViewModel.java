package io.kubewalk.app.gui;

import io.kubewalk.sim.Simulation;
import io.kubewalk.sim.api.Pod;
import io.kubewalk.sim.net.Packet;
import io.kubewalk.sim.trace.Step;
import io.kubewalk.sim.trace.Trace;
import java.util.ArrayList;
import java.util.List;

/**
 * The trace player's state without any JavaFX type: the sources and destinations a student can
 * pick, the current trace, the step index, and what the inspector shows for the current step
 * (where, what, the deciding rule, the headers with the fields this step changed).
 */
public final class TraceViewModel {

  private final Simulation sim;
  private Trace trace;
  private int index;

  public TraceViewModel(Simulation sim) {
    this.sim = sim;
  }

  /** {@code pod/NS/NAME} for pods with an address (or stuck without one), {@code node/NAME}. */
  public List<String> sources() {
    List<String> out = new ArrayList<>();
    for (Pod p : sim.cluster().pods()) {
      if (!p.namespace().equals("kube-system") && !p.namespace().equals("kube-flannel")) {
        out.add("pod/" + p.key());
      }
    }
    sim.cluster().nodes().forEach(n -> out.add("node/" + n.name()));
    sim.cluster().clients().forEach(c -> out.add("external/" + c.name()));
    return out;
  }

  /** Pods with their first declared port (80 when they declare none), and node APIs. */
  public List<String> targets() {
    List<String> out = new ArrayList<>();
    for (Pod p : sim.cluster().pods()) {
      if (!p.namespace().equals("kube-flannel") && !p.hostNetwork()) {
        int port = p.ports().isEmpty() ? 80 : p.ports().get(0).containerPort();
        String proto = p.ports().isEmpty() ? "tcp" : p.ports().get(0).protocol().lower();
        out.add("pod/" + p.key() + ":" + port + "/" + proto);
      }
    }
    sim.cluster().nodes().stream().filter(n -> n.isControlPlane()).forEach(n ->
        out.add(n.internalIp() + ":6443/tcp"));
    return out;
  }

  /** Runs a trace; bad input comes back as an IllegalArgumentException with the reason. */
  public Trace run(String from, String to) {
    trace = sim.trace(from, to, 0);
    index = 0;
    return trace;
  }

  public Trace trace() {
    return trace;
  }

  public int index() {
    return index;
  }

  public boolean forward() {
    if (trace != null && index < trace.steps().size() - 1) {
      index++;
      return true;
    }
    return false;
  }

  public boolean back() {
    if (index > 0) {
      index--;
      return true;
    }
    return false;
  }

  public void restart() {
    index = 0;
  }

  public void jump(int i) {
    if (trace != null && i >= 0 && i < trace.steps().size()) {
      index = i;
    }
  }

  /** One line per step, as the event list shows it. */
  public List<String> events() {
    List<String> out = new ArrayList<>();
    if (trace != null) {
      for (Step s : trace.steps()) {
        out.add(String.format(java.util.Locale.ROOT, "%2d  %-8s %s  %s", s.index(), s.kind(),
            s.node(), s.device() == null ? "" : s.device()));
      }
    }
    return out;
  }

  /** The inspector's text for the current step; changed header fields are marked with '*'. */
  public String inspector() {
    if (trace == null || trace.steps().isEmpty()) {
      return trace == null ? "" : verdictText();
    }
    Step s = trace.steps().get(index);
    Packet before = index == 0 ? s.packet() : trace.steps().get(index - 1).packet();
    StringBuilder sb = new StringBuilder();
    sb.append("Step ").append(s.index() + 1).append(" of ").append(trace.steps().size())
        .append(": ").append(s.kind()).append('\n');
    sb.append("Where: node ").append(s.node()).append(", namespace ").append(s.netns());
    if (s.device() != null) {
      sb.append(", device ").append(s.device());
    }
    sb.append("\n\n").append(s.detail()).append('\n');
    if (s.rule() != null) {
      sb.append("\nDeciding rule:\n  ").append(s.rule()).append('\n');
    }
    sb.append("\nHeaders after this step (* = changed here):\n");
    Packet p = s.packet();
    field(sb, "src", p.src() + ":" + p.sport(), before.src() + ":" + before.sport());
    field(sb, "dst", p.dst() + ":" + p.dport(), before.dst() + ":" + before.dport());
    field(sb, "ttl", String.valueOf(p.ttl()), String.valueOf(before.ttl()));
    String outer = p.outer() == null ? "-" : p.outer().src() + " -> " + p.outer().dst()
        + (p.outer().dport() == 0 ? " (IP-in-IP)" : " UDP " + p.outer().dport() + " VNI "
            + p.outer().vni());
    String outerBefore = before.outer() == null ? "-" : before.outer().src() + " -> "
        + before.outer().dst() + (before.outer().dport() == 0 ? " (IP-in-IP)" : " UDP "
            + before.outer().dport() + " VNI " + before.outer().vni());
    field(sb, "outer", outer, outerBefore);
    if (index == trace.steps().size() - 1) {
      sb.append('\n').append(verdictText());
    }
    return sb.toString();
  }

  private static void field(StringBuilder sb, String name, String now, String before) {
    sb.append(now.equals(before) ? "   " : " * ").append(String.format(java.util.Locale.ROOT,
        "%-6s", name)).append(now).append('\n');
  }

  public String verdictText() {
    if (trace == null) {
      return "";
    }
    StringBuilder sb = new StringBuilder(trace.verdict().name());
    if (trace.deliveredTo() != null) {
      sb.append(": ").append(trace.deliveredTo().kind()).append(' ')
          .append(trace.deliveredTo().name()).append(", source seen as ")
          .append(trace.sourceSeen());
    }
    if (trace.reason() != null) {
      sb.append("\nWhy: ").append(trace.reason());
    }
    if (trace.hint() != null) {
      sb.append("\nHint: ").append(trace.hint());
    }
    return sb.toString();
  }
}
