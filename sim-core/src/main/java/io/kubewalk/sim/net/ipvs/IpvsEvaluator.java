package io.kubewalk.sim.net.ipvs;

import io.kubewalk.sim.net.Ip;
import io.kubewalk.sim.net.Packet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the IPVS lookup and scheduler for the first packet of a connection. Keeps the scheduler
 * state the kernel keeps (the rr/wrr cursor per service, persistence templates per client), so
 * repeated calls behave like repeated connections; the same calls in the same order give the same
 * answers.
 */
public final class IpvsEvaluator {

  /** One explained step: the {@code ipvsadm -Ln} line it concerns and a sentence. */
  public record Step(String line, String detail) {}

  /** A possible real server and its probability for this packet. */
  public record Candidate(String endpoint, double probability) {}

  /**
   * The outcome: the virtual service (null when none matched), the chosen real server (null when
   * none), the candidates, whether persistence decided, the steps and the cost in table lookups.
   */
  public record Result(
      VirtualServer service,
      RealServer chosen,
      List<Candidate> candidates,
      boolean persistent,
      List<Step> steps,
      int lookups) {
    public Result {
      candidates = List.copyOf(candidates);
      steps = List.copyOf(steps);
    }

    /** The packet after IPVS's DNAT to the chosen real server (unchanged when none). */
    public Packet apply(Packet p) {
      return chosen == null ? p : p.withDst(chosen.address(), chosen.port());
    }
  }

  private final IpvsTable table;
  private final int rrStart;
  private final Map<VirtualServer.Key, Integer> rrCursor = new HashMap<>();
  private final Map<String, RealServer> templates = new HashMap<>();
  private final List<ConnectionEntry> connections = new ArrayList<>();

  public IpvsEvaluator(IpvsTable table) {
    this(table, 0);
  }

  /**
   * @param rrStart where every service's rr/wrr cursor stands before the first connection (on a
   *     real node it depends on the connections before: unknown, so a trace takes it from its
   *     seed)
   */
  public IpvsEvaluator(IpvsTable table, int rrStart) {
    this.table = table;
    this.rrStart = Math.max(0, rrStart);
  }

  /** The connection entries this evaluator created, as {@code ipvsadm -Lnc} lists them. */
  public List<ConnectionEntry> connections() {
    return List.copyOf(connections);
  }

  /** The kernel's ip_vs_sh/dh hash of an IPv4 address into 256 buckets. */
  public static int hashBucket(Ip ip) {
    long h = (ip.unsigned() * 2654435761L) & 0xffffffffL;
    return (int) ((h >>> (32 - 8)) & 0xff);
  }

  public Result evaluate(Packet p) {
    List<Step> steps = new ArrayList<>();
    VirtualServer vs = table.lookup(p.proto(), p.dst(), p.dport());
    if (vs == null) {
      steps.add(new Step(null, "no IPVS virtual service for " + p.proto().name() + " "
          + p.dst() + ":" + p.dport() + "; the packet is not load-balanced"));
      return new Result(null, null, List.of(), false, steps, 1);
    }
    String line = vs.listLine();
    steps.add(new Step(line, "IPVS service table lookup (" + p.proto().name() + ", " + p.dst()
        + ", " + p.dport() + ") found the virtual service"));
    List<RealServer> rs = vs.sortedRealServers().stream().filter(r -> r.weight() > 0).toList();
    if (rs.isEmpty()) {
      steps.add(new Step(line, "the virtual service has no real server with weight > 0: ip_vs_leave() answers "
          + "ICMP port unreachable and drops the packet"));
      return new Result(vs, null, List.of(), false, steps, 1);
    }
    List<Candidate> cands = candidates(vs, rs);
    int lookups = 1;
    String template = vs.key() + "|" + p.src();
    if (vs.persistent()) {
      lookups++;
      RealServer t = templates.get(template);
      if (t != null && rs.contains(t)) {
        steps.add(new Step(line, "persistence template for client " + p.src() + " (timeout "
            + vs.timeoutSeconds() + "s) sends it to " + t));
        return new Result(vs, t, cands, true, steps, lookups);
      }
    }
    RealServer chosen;
    String how;
    switch (vs.scheduler()) {
      case "sh", "dh", "mh" -> {
        Ip keyIp = vs.scheduler().equals("dh") ? p.dst() : p.src();
        int bucket = hashBucket(keyIp);
        chosen = rs.get(bucket % rs.size());
        how = vs.scheduler() + " hashes " + keyIp + " to bucket " + bucket + " of 256 -> "
            + chosen;
      }
      case "wrr" -> {
        chosen = weightedNext(vs.key(), rs);
        how = "wrr picks " + chosen + " (weight " + chosen.weight() + ")";
      }
      default -> {
        int i = rrCursor.merge(vs.key(), rrStart + 1, Integer::sum) - 1;
        chosen = rs.get(i % rs.size());
        how = vs.scheduler() + " picks " + chosen + " (" + (i % rs.size() + 1) + " of "
            + rs.size() + ", each 1/" + rs.size() + ")";
      }
    }
    steps.add(new Step(line, how + "; DNAT (Masq) " + p.dst() + ":" + p.dport() + " -> "
        + chosen));
    if (vs.persistent()) {
      templates.put(template, chosen);
    }
    // ip_vs_proto timeouts for the first packet: TCP SYN_RECV 60s, UDP 300s.
    boolean udp = p.proto() == io.kubewalk.sim.net.Protocol.UDP;
    connections.add(new ConnectionEntry(p.proto(), udp ? 300 : 60, udp ? "UDP" : "SYN_RECV",
        p.src(), p.sport(),
        p.dst(), p.dport(), chosen.address(), chosen.port()));
    return new Result(vs, chosen, cands, false, steps, lookups);
  }

  private RealServer weightedNext(VirtualServer.Key key, List<RealServer> rs) {
    int total = rs.stream().mapToInt(RealServer::weight).sum();
    int i = rrCursor.merge(key, rrStart + 1, Integer::sum) - 1;
    int slot = i % total;
    for (RealServer r : rs) {
      if (slot < r.weight()) {
        return r;
      }
      slot -= r.weight();
    }
    return rs.get(rs.size() - 1);
  }

  private static List<Candidate> candidates(VirtualServer vs, List<RealServer> rs) {
    int total = rs.stream().mapToInt(RealServer::weight).sum();
    List<Candidate> out = new ArrayList<>();
    for (RealServer r : rs) {
      double p = vs.scheduler().equals("rr") ? 1.0 / rs.size() : (double) r.weight() / total;
      out.add(new Candidate(r.toString(), p));
    }
    return out;
  }
}
