package io.kubewalk.app.gui;

import io.kubewalk.sim.Simulation;
import io.kubewalk.sim.api.Node;
import io.kubewalk.sim.api.Pod;
import io.kubewalk.sim.api.ProxyConfig;
import io.kubewalk.sim.api.Service;
import io.kubewalk.sim.api.ServicePort;
import io.kubewalk.sim.net.Packet;
import io.kubewalk.sim.trace.Endpoints;
import io.kubewalk.sim.trace.Step;
import io.kubewalk.sim.trace.Trace;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The trace player's state without any JavaFX type: the sources and destinations a student can
 * pick, the trace controls (seed, reply, kube-proxy mode), the current trace and the step index
 * over its steps followed by its reply's steps, and what the inspector and the summary show.
 *
 * <p>Tracing is split in two so the view can run the slow half off the FX thread: {@link
 * #compute} is a pure function of a {@link Request} (the simulation is immutable), {@link
 * #accept} installs its {@link Outcome}. {@link #run} does both, for tests and simple callers.
 */
public final class TraceViewModel {

  /** What the controls ask for; {@code from} may carry {@code --enter node/NAME}. */
  public record Request(String from, String to, long seed, boolean reply,
      ProxyConfig.Mode mode) {}

  /** A computed trace (with the simulation in the requested mode) or the one-line error. */
  public record Outcome(Request request, Simulation sim, Trace trace, String error) {
    public boolean ok() {
      return error == null;
    }
  }

  /** One entry of the play list: a step of the forward trace or of its reply. */
  public record Entry(Step step, boolean reply, int number, int of) {}

  private final Simulation base;
  private final Map<ProxyConfig.Mode, Simulation> modes = new EnumMap<>(ProxyConfig.Mode.class);
  private Simulation sim;
  private Trace trace;
  private String error;
  private List<Entry> entries = List.of();
  private int index;
  private long seed;
  private boolean reply;
  private ProxyConfig.Mode mode;

  public TraceViewModel(Simulation sim) {
    this.base = sim;
    this.sim = sim;
    this.mode = sim.kubeProxy().mode();
    modes.put(mode, sim);
  }

  /** {@code pod/NS/NAME} for pods with an address (or stuck without one), {@code node/NAME}. */
  public List<String> sources() {
    List<String> out = new ArrayList<>();
    for (Pod p : base.cluster().pods()) {
      if (!p.namespace().equals("kube-system") && !p.namespace().equals("kube-flannel")) {
        out.add("pod/" + p.key());
      }
    }
    base.cluster().nodes().forEach(n -> out.add("node/" + n.name()));
    base.cluster().clients().forEach(c -> out.add("external/" + c.name()));
    for (var c : base.cluster().clients()) {
      for (Node n : base.cluster().nodes()) {
        out.add("ip/" + c.ip() + " --enter node/" + n.name());
      }
    }
    return out;
  }

  /**
   * Pods with their first declared port (80 when they declare none), Services as {@code
   * svc/NS/NAME:PORT}, NodePorts on every node, LoadBalancer and external IPs, node APIs.
   */
  public List<String> targets() {
    List<String> out = new ArrayList<>();
    for (Pod p : base.cluster().pods()) {
      if (!p.namespace().equals("kube-flannel") && !p.hostNetwork()) {
        int port = p.ports().isEmpty() ? 80 : p.ports().get(0).containerPort();
        String proto = p.ports().isEmpty() ? "tcp" : p.ports().get(0).protocol().lower();
        out.add("pod/" + p.key() + ":" + port + "/" + proto);
      }
    }
    List<String> external = new ArrayList<>();
    for (Service s : base.cluster().services()) {
      if (s.type() == Service.Type.ExternalName) {
        continue;
      }
      for (ServicePort sp : s.ports()) {
        String proto = sp.protocol().lower();
        String suffix = proto.equals("tcp") ? "" : "/" + proto;
        out.add("svc/" + s.namespace() + "/" + s.name() + ":" + sp.port() + suffix);
        if (sp.nodePort() != null && !s.namespace().equals("kube-system")) {
          for (Node n : base.cluster().nodes()) {
            external.add(n.internalIp() + ":" + sp.nodePort() + "/" + proto);
          }
        }
        for (var ip : s.loadBalancerIngress()) {
          external.add(ip + ":" + sp.port() + "/" + proto);
        }
        for (var ip : s.externalIps()) {
          external.add(ip + ":" + sp.port() + "/" + proto);
        }
      }
    }
    out.addAll(external);
    base.cluster().nodes().stream().filter(Node::isControlPlane).forEach(n ->
        out.add(n.internalIp() + ":6443/tcp"));
    return out;
  }

  /** The kube-proxy mode the scenario declares. */
  public ProxyConfig.Mode scenarioMode() {
    return base.kubeProxy().mode();
  }

  /** The simulation in {@code m}, built once per mode; thread-safe enough for one worker. */
  public synchronized Simulation simulation(ProxyConfig.Mode m) {
    return modes.computeIfAbsent(m, base::withProxyMode);
  }

  /** Traces {@code r}; any bad input comes back as the outcome's one-line error. */
  public Outcome compute(Request r) {
    Simulation s = simulation(r.mode() == null ? scenarioMode() : r.mode());
    try {
      String from = r.from() == null ? "" : r.from().trim();
      String enter = null;
      int e = from.indexOf("--enter");
      if (e >= 0) {
        enter = from.substring(e + "--enter".length()).trim();
        from = from.substring(0, e).trim();
      }
      if (from.isEmpty()) {
        return new Outcome(r, s, null, "choose a source (pod/NS/NAME, node/NAME, external/NAME,"
            + " ip/ADDR --enter node/NAME)");
      }
      if (r.to() == null || r.to().isBlank()) {
        return new Outcome(r, s, null, "choose a destination (IP:PORT/PROTO, svc/NS/NAME:PORT,"
            + " pod/NS/NAME:PORT or a Service DNS name)");
      }
      Trace t = s.trace(Endpoints.parseFrom(from, enter), Endpoints.parseTo(r.to().trim()),
          r.seed(), r.reply());
      return new Outcome(r, s, t, null);
    } catch (IllegalArgumentException ex) {
      return new Outcome(r, s, null, firstLine(ex.getMessage()));
    } catch (RuntimeException ex) {
      return new Outcome(r, s, null, "cannot trace: " + firstLine(String.valueOf(
          ex.getMessage())));
    }
  }

  private static String firstLine(String m) {
    if (m == null) {
      return "invalid input";
    }
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }

  /** Installs a computed outcome: the play list starts at the first step. */
  public void accept(Outcome o) {
    this.sim = o.sim();
    this.seed = o.request().seed();
    this.reply = o.request().reply();
    this.mode = o.sim().kubeProxy().mode();
    this.error = o.error();
    this.trace = o.trace();
    this.index = 0;
    List<Entry> list = new ArrayList<>();
    if (trace != null) {
      int n = trace.steps().size();
      trace.steps().forEach(s -> list.add(new Entry(s, false, s.index() + 1, n)));
      if (trace.reply() != null) {
        int m = trace.reply().steps().size();
        trace.reply().steps().forEach(s -> list.add(new Entry(s, true, s.index() + 1, m)));
      }
    }
    this.entries = List.copyOf(list);
  }

  /** Traces with the current seed, reply and mode; bad input throws IllegalArgumentException. */
  public Trace run(String from, String to) {
    return run(new Request(from, to, seed, reply, mode));
  }

  /** Computes and accepts; bad input throws IllegalArgumentException with the one line. */
  public Trace run(Request r) {
    Outcome o = compute(r);
    accept(o);
    if (!o.ok()) {
      throw new IllegalArgumentException(o.error());
    }
    return trace;
  }

  public Simulation simulation() {
    return sim;
  }

  public Trace trace() {
    return trace;
  }

  /** The last trace's one-line error, or null. */
  public String error() {
    return error;
  }

  public long seed() {
    return seed;
  }

  public boolean reply() {
    return reply;
  }

  public ProxyConfig.Mode mode() {
    return mode;
  }

  public List<Entry> entries() {
    return entries;
  }

  public int index() {
    return index;
  }

  /** The current play-list entry, or null. */
  public Entry current() {
    return entries.isEmpty() ? null : entries.get(index);
  }

  /** The index of the reply's first step in the play list, or -1. */
  public int replyStart() {
    for (int i = 0; i < entries.size(); i++) {
      if (entries.get(i).reply()) {
        return i;
      }
    }
    return -1;
  }

  public boolean forward() {
    if (index < entries.size() - 1) {
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
    if (i >= 0 && i < entries.size()) {
      index = i;
    }
  }

  /** One line per step, as the event list shows it; reply steps start with "reply". */
  public List<String> events() {
    List<String> out = new ArrayList<>();
    for (Entry e : entries) {
      Step s = e.step();
      out.add(String.format(Locale.ROOT, "%s%2d  %-9s %s  %s", e.reply() ? "reply " : "",
          s.index(), s.kind(), s.node(), s.device() == null ? "" : s.device()));
    }
    return out;
  }

  /** The inspector's text for the current step; changed header fields are marked with '*'. */
  public String inspector() {
    if (trace == null) {
      return error == null ? "" : error;
    }
    if (entries.isEmpty()) {
      return verdictText();
    }
    Entry e = entries.get(index);
    Step s = e.step();
    Packet before = index == 0 || (e.reply() && e.number() == 1) ? s.packet()
        : entries.get(index - 1).step().packet();
    StringBuilder sb = new StringBuilder();
    if (e.reply()) {
      sb.append("REPLY (the answer travelling back) - ");
    }
    sb.append("Step ").append(e.number()).append(" of ").append(e.of())
        .append(": ").append(s.kind()).append('\n');
    sb.append("Where: node ").append(s.node()).append(", namespace ").append(s.netns());
    if (s.device() != null && !s.device().isEmpty()) {
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
    field(sb, "mark", String.format(Locale.ROOT, "0x%x", p.mark()),
        String.format(Locale.ROOT, "0x%x", before.mark()));
    field(sb, "outer", outer(p), outer(before));
    if (s.ct() != null) {
      sb.append("   ct    ").append(s.ct()).append('\n');
    }
    boolean lastForward = !e.reply() && e.number() == e.of();
    boolean lastReply = e.reply() && e.number() == e.of();
    if (lastForward) {
      sb.append('\n').append(verdictText(trace));
      if (trace.reply() != null) {
        sb.append("\n\n(Step on to follow the reply back.)");
      }
    } else if (lastReply) {
      sb.append("\nReply: ").append(verdictText(trace.reply()));
    }
    return sb.toString();
  }

  private static String outer(Packet p) {
    return p.outer() == null ? "-" : p.outer().src() + " -> " + p.outer().dst()
        + (p.outer().dport() == 0 ? " (IP-in-IP)" : " UDP " + p.outer().dport() + " VNI "
            + p.outer().vni());
  }

  private static void field(StringBuilder sb, String name, String now, String before) {
    sb.append(now.equals(before) ? "   " : " * ").append(String.format(Locale.ROOT,
        "%-6s", name)).append(now).append('\n');
  }

  /** The summary beside the rule view: verdict, service, source seen, candidates, cost. */
  public String summary() {
    if (trace == null) {
      return error == null ? "" : error;
    }
    StringBuilder sb = new StringBuilder();
    sb.append("kube-proxy mode: ").append(mode).append(", seed ").append(seed).append('\n');
    summary(sb, trace, "");
    if (trace.reply() != null) {
      sb.append("\nreply:\n");
      summary(sb, trace.reply(), "  ");
    }
    return sb.toString();
  }

  private static void summary(StringBuilder sb, Trace t, String in) {
    sb.append(in).append("verdict: ").append(t.verdict());
    if (t.deliveredTo() != null) {
      sb.append(" (").append(t.deliveredTo().kind()).append(' ').append(t.deliveredTo().name())
          .append(')');
    }
    sb.append('\n');
    if (t.reason() != null) {
      sb.append(in).append("why: ").append(t.reason()).append('\n');
    }
    sb.append(in).append("service: ").append(t.service() == null ? "-" : t.service())
        .append('\n');
    sb.append(in).append("source seen: ").append(t.sourceSeen() == null ? "-" : t.sourceSeen())
        .append(t.masqueraded() ? " (masqueraded)" : " (not masqueraded)").append('\n');
    if (!t.candidates().isEmpty()) {
      sb.append(in).append("candidates:\n");
      for (Trace.Candidate c : t.candidates()) {
        boolean picked = t.deliveredTo() != null && c.endpoint().equals(t.deliveredTo().ip()
            + ":" + t.deliveredTo().port());
        sb.append(in).append(String.format(Locale.ROOT, "  %-22s %6.2f%%%s%n", c.endpoint(),
            c.probability() * 100, picked ? "  <- picked" : ""));
      }
    }
    if (t.cost() != null) {
      sb.append(in).append(String.format(Locale.ROOT,
          "cost: %d rules evaluated, %d lookups%n", t.cost().rulesEvaluated(),
          t.cost().lookups()));
    }
  }

  public String verdictText() {
    return trace == null ? "" : verdictText(trace);
  }

  private static String verdictText(Trace t) {
    StringBuilder sb = new StringBuilder(t.verdict().name());
    if (t.deliveredTo() != null) {
      sb.append(": ").append(t.deliveredTo().kind()).append(' ')
          .append(t.deliveredTo().name()).append(", source seen as ")
          .append(t.sourceSeen());
    }
    if (t.reason() != null) {
      sb.append("\nWhy: ").append(t.reason());
    }
    if (t.hint() != null) {
      sb.append("\nHint: ").append(t.hint());
    }
    return sb.toString();
  }
}
