package io.kubewalk.sim.testkit;

import io.kubewalk.sim.Simulation;
import io.kubewalk.sim.api.ProxyConfig;
import io.kubewalk.sim.net.Ip;
import io.kubewalk.sim.net.ns.NetNamespace;
import io.kubewalk.sim.scenario.Expectation;
import io.kubewalk.sim.trace.Endpoints;
import io.kubewalk.sim.trace.Trace;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Checks a scenario's {@link Expectation}s ({@code kubewalk test}): each flow is traced with
 * {@link #SEEDS} seeds, so that a promise about who serves it covers every random choice the
 * rules can make, and every promise is checked on every trace.
 */
public final class Expectations {

  /** How many seeded traces each flow gets. */
  public static final int SEEDS = 16;

  private Expectations() {}

  /** A flow's outcome: what failed (empty when it passed) and its first trace (seed 0). */
  public record Result(Expectation expectation, List<String> failures, Trace trace) {
    public Result {
      failures = List.copyOf(failures);
    }

    public boolean passed() {
      return failures.isEmpty();
    }
  }

  /** Checks every expectation of {@code sim}'s scenario, in order. */
  public static List<Result> check(Simulation sim) {
    Map<ProxyConfig.Mode, Simulation> modes = new EnumMap<>(ProxyConfig.Mode.class);
    List<Result> out = new ArrayList<>();
    for (Expectation e : sim.expectations()) {
      Simulation s = e.proxyMode() == null ? sim : modes.computeIfAbsent(
          ProxyConfig.Mode.parse(e.proxyMode()), sim::withProxyMode);
      out.add(check(s, e));
    }
    return out;
  }

  /** Checks one expectation against {@code sim} (already in the flow's kube-proxy mode). */
  public static Result check(Simulation sim, Expectation e) {
    String at = e.location() + ": ";
    Endpoints.From from;
    Endpoints.To to;
    try {
      from = Endpoints.parseFrom(e.from(), e.enter());
      to = Endpoints.parseTo(e.to());
    } catch (IllegalArgumentException x) {
      return new Result(e, List.of(at + x.getMessage()), null);
    }
    List<String> failures = new ArrayList<>();
    Set<String> served = new TreeSet<>();
    Trace first = null;
    for (long seed = 0; seed < SEEDS; seed++) {
      Trace t;
      try {
        t = sim.trace(from, to, seed, e.reply() != null);
      } catch (IllegalArgumentException x) {
        return new Result(e, List.of(at + x.getMessage()), null);
      }
      if (first == null) {
        first = t;
      }
      String where = "seed " + seed + ": ";
      if (e.verdict() != null && !t.verdict().name().equals(e.verdict())) {
        failures.add(where + "verdict " + t.verdict() + ", expected " + e.verdict()
            + (t.reason() == null ? "" : " (" + t.reason() + ")"));
      }
      if (t.deliveredTo() != null) {
        served.add(label(t.deliveredTo()));
      }
      if (e.masqueraded() != null && t.masqueraded() != e.masqueraded()) {
        failures.add(where + "masqueraded is " + t.masqueraded() + ", expected "
            + e.masqueraded());
      }
      if (e.sourceSeen() != null && t.sourceSeen() != null) {
        String problem = sourceProblem(sim, e.sourceSeen(), t);
        if (problem != null) {
          failures.add(where + problem);
        }
      }
      if (e.reply() != null && !t.verdict().name().equals("DELIVERED")) {
        failures.add(where + "no reply: the request itself ended " + t.verdict());
      } else if (e.reply() != null && !t.reply().verdict().name().equals(e.reply())) {
        failures.add(where + "reply verdict " + t.reply().verdict() + ", expected " + e.reply()
            + (t.reply().reason() == null ? "" : " (" + t.reply().reason() + ")"));
      }
      if (!failures.isEmpty()) {
        break;
      }
    }
    if (failures.isEmpty() && e.servedBy() != null
        && !served.equals(new TreeSet<>(e.servedBy()))) {
      failures.add("served by " + served + " over " + SEEDS + " seeds, expected "
          + new TreeSet<>(e.servedBy()));
    }
    if (e.rule() != null && first.steps().stream().noneMatch(s -> s.rule() != null
        && s.rule().contains(e.rule()))) {
      failures.add("no step's rule contains '" + e.rule() + "'");
    }
    if (e.visits() != null && !inOrder(first.hops(), e.visits())) {
      failures.add("visits " + first.hops() + ", expected " + e.visits() + " in this order");
    }
    return new Result(e, failures, first);
  }

  private static String label(Trace.Endpoint d) {
    return d.kind().equals("pod") ? d.name() : d.kind() + ":" + d.name();
  }

  private static String sourceProblem(Simulation sim, String expected, Trace t) {
    Ip seen = Ip.parse(t.sourceSeen().substring(0, t.sourceSeen().lastIndexOf(':')));
    Ip sent = t.sent() == null ? null : t.sent().src();
    switch (expected) {
      case "client" -> {
        return seen.equals(sent) ? null : "the server sees " + seen + ", not the client's "
            + sent;
      }
      case "node" -> {
        Set<Ip> nodes = new HashSet<>();
        for (NetNamespace ns : sim.dataplane().nodes().values()) {
          ns.links().forEach(l -> l.addresses().forEach(a -> nodes.add(a.ip())));
        }
        return nodes.contains(seen) ? null : "the server sees " + seen + ", not a node address";
      }
      default -> {
        return seen.toString().equals(expected) ? null : "the server sees " + seen + ", expected "
            + expected;
      }
    }
  }

  private static boolean inOrder(List<String> hops, List<String> wanted) {
    int i = 0;
    for (String h : hops) {
      if (i < wanted.size() && h.equals(wanted.get(i))) {
        i++;
      }
    }
    return i == wanted.size();
  }
}
