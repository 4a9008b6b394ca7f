package io.kubewalk.sim.trace;

import java.util.List;

/**
 * A packet's walk through the cluster: the ordered steps and what decided the outcome. Its shape is
 * checked when built: step indexes are 0..n-1, a DELIVERED trace has no reason and ends in a
 * DELIVER step, any other verdict carries a reason.
 *
 * @param service the Service the packet belongs to ({@code ns/name:port}), kept after DNAT
 * @param deliveredTo where it arrived, or null
 * @param sourceSeen {@code IP:PORT} as the receiving socket sees it, or null
 * @param candidates every possible backend of each random or IPVS choice on the path
 * @param reply the answer's trace back to the client (with {@code --reply}), or null
 * @param conntrack the conntrack entries the packet (and its reply) left on the nodes
 */
public record Trace(
    Verdict verdict,
    String reason,
    String hint,
    String service,
    Endpoint deliveredTo,
    String sourceSeen,
    boolean masqueraded,
    List<Candidate> candidates,
    List<Step> steps,
    Cost cost,
    Trace reply,
    List<Flow> conntrack) {

  public Trace {
    candidates = List.copyOf(candidates);
    steps = List.copyOf(steps);
    conntrack = List.copyOf(conntrack);
    for (int i = 0; i < steps.size(); i++) {
      if (steps.get(i).index() != i) {
        throw new IllegalArgumentException("step " + i + " has index " + steps.get(i).index());
      }
    }
    if (verdict == Verdict.DELIVERED) {
      if (reason != null) {
        throw new IllegalArgumentException("a delivered trace has no reason");
      }
      if (steps.isEmpty() || steps.get(steps.size() - 1).kind() != Step.Kind.DELIVER) {
        throw new IllegalArgumentException("a delivered trace ends with a DELIVER step");
      }
    } else if (reason == null || reason.isBlank()) {
      throw new IllegalArgumentException(verdict + " needs a reason");
    }
  }

  /** Where a packet was delivered: a pod, a node (a host process) or an external client. */
  public record Endpoint(String kind, String name, String ip, int port) {}

  /**
   * One connection-tracking entry on a node: {@code table} "conntrack" (as {@code conntrack -L}
   * prints it) or "ipvs" (as {@code ipvsadm -Lnc} prints it).
   */
  public record Flow(String node, String table, String entry) {}

  /** This trace with its reply attached and the conntrack state after both. */
  public Trace withReply(Trace r, List<Flow> after) {
    return new Trace(verdict, reason, hint, service, deliveredTo, sourceSeen, masqueraded,
        candidates, steps, cost, r, after);
  }

  /** One possible backend of a load-balancing choice and its probability. */
  public record Candidate(String endpoint, double probability) {}

  /** What the kernel did to classify this packet: rules evaluated and hash/map lookups. */
  public record Cost(int rulesEvaluated, int lookups) {}

  /**
   * The connection's first packet as the client sent it: the first SEND step after the DNS
   * lookup, if the trace began with one; null when nothing was sent.
   */
  public io.kubewalk.sim.net.Packet sent() {
    int from = 0;
    for (int i = 0; i < steps.size(); i++) {
      if (steps.get(i).kind() == Step.Kind.DNS) {
        from = i + 1;
      }
    }
    for (int i = from; i < steps.size(); i++) {
      if (steps.get(i).kind() == Step.Kind.SEND) {
        return steps.get(i).packet();
      }
    }
    return null;
  }

  /** The namespaces the packet passed through, in order, each once per visit. */
  public List<String> hops() {
    List<String> out = new java.util.ArrayList<>();
    for (Step s : steps) {
      String h = s.node() + "/" + s.netns();
      if (out.isEmpty() || !out.get(out.size() - 1).equals(h)) {
        out.add(h);
      }
    }
    return out;
  }
}
