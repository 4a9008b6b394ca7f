package io.kubewalk.sim.proxy.ipvs;

import io.kubewalk.sim.net.Cidr;
import io.kubewalk.sim.net.Ip;
import io.kubewalk.sim.net.Packet;
import io.kubewalk.sim.net.ipvs.IpSet;
import io.kubewalk.sim.net.ipvs.IpvsEvaluator;
import io.kubewalk.sim.proxy.ProxyInput;
import io.kubewalk.sim.proxy.nftables.NftablesProxierAccess;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The first packet of a connection through a node in IPVS mode: the nat KUBE-SERVICES ipset
 * matches that decide masquerading, KUBE-IPVS-FILTER, the IPVS lookup and scheduler, and
 * KUBE-POSTROUTING (including the KUBE-LOOP-BACK hairpin set). Set matches are evaluated against
 * the ipsets of the {@link IpvsState}; the rule texts in the steps are the generated ones.
 */
public final class IpvsPacketFlow {

  /** What happened to the packet. */
  public enum Outcome {
    /** Load-balanced to a real server. */
    FORWARDED,
    /** Not an IPVS service: delivered to the node itself. */
    LOCAL,
    REJECT,
    DROP
  }

  /** A step: the rule or ipvsadm line it concerns and a sentence. */
  public record Step(String rule, String detail) {}

  public record Result(
      Outcome outcome,
      Packet packet,
      boolean masqueraded,
      List<IpvsEvaluator.Candidate> candidates,
      List<Step> steps,
      int cost) {
    public Result {
      candidates = List.copyOf(candidates);
      steps = List.copyOf(steps);
    }
  }

  private final IpvsState state;
  private final ProxyInput input;
  private final Set<Ip> local;
  private final IpvsEvaluator ipvs;

  public IpvsPacketFlow(IpvsState state, ProxyInput input) {
    this.state = state;
    this.input = input;
    this.local = Set.copyOf(input.nodeIps());
    this.ipvs = new IpvsEvaluator(state.ipvs());
  }

  private boolean isLocal(Ip ip) {
    return ip.isLoopback() || local.contains(ip) || state.dummyAddresses().contains(ip);
  }

  private String rule(String contains) {
    List<String> all = new ArrayList<>(state.natLines());
    all.addAll(state.filterLines());
    return all.stream().filter(l -> l.contains(contains)).findFirst().orElse(null);
  }

  private boolean in(String set, String entry) {
    IpSet s = state.ipset(set);
    return s != null && s.contains(entry);
  }

  public Result trace(Packet p) {
    List<Step> steps = new ArrayList<>();
    int cost = 0;
    String proto = p.proto().lower();
    String dstDst = p.dst() + "," + proto + ":" + p.dport();
    boolean mark = false;
    cost++;
    if (p.src().isLoopback()) {
      steps.add(new Step("-A KUBE-SERVICES -s 127.0.0.0/8 -j RETURN", "localhost traffic"));
    } else {
      cost++;
      if (in("KUBE-LOAD-BALANCER", dstDst)) {
        cost++;
        if (in("KUBE-LOAD-BALANCER-LOCAL", dstDst)) {
          steps.add(new Step(rule("KUBE-LOAD-BALANCER-LOCAL dst,dst -j RETURN"),
              "externalTrafficPolicy Local: the client address is kept"));
        } else {
          mark = true;
          steps.add(new Step("-A KUBE-LOAD-BALANCER -j KUBE-MARK-MASQ", "LB traffic is marked"));
        }
      }
      cost++;
      if (in("KUBE-CLUSTER-IP", dstDst)) {
        Cidr lc = NftablesProxierAccess.localCidr(input);
        String srcDst = p.src() + "," + proto + ":" + p.dport();
        boolean m = input.config().masqueradeAll() || (lc != null ? !lc.contains(p.src())
            : in("KUBE-CLUSTER-IP", srcDst));
        if (m) {
          mark = true;
          steps.add(new Step(rule("--match-set KUBE-CLUSTER-IP"),
              "ClusterIP traffic from outside the local range is marked for masquerade"));
        }
      }
      cost++;
      if (in("KUBE-EXTERNAL-IP", dstDst)) {
        mark = true;
        steps.add(new Step(rule("KUBE-EXTERNAL-IP dst,dst -j KUBE-MARK-MASQ"),
            "externalIP traffic is marked for masquerade"));
      }
      cost++;
      if (isLocal(p.dst())) {
        String port = Integer.toString(p.dport());
        String up = proto.toUpperCase(java.util.Locale.ROOT);
        String entry = p.proto() == io.kubewalk.sim.net.Protocol.SCTP ? dstDst : port;
        String set = p.proto() == io.kubewalk.sim.net.Protocol.SCTP
            ? "KUBE-NODE-PORT-SCTP-HASH" : "KUBE-NODE-PORT-" + up;
        String localSet = p.proto() == io.kubewalk.sim.net.Protocol.SCTP
            ? "KUBE-NODE-PORT-LOCAL-SCTP-HASH" : "KUBE-NODE-PORT-LOCAL-" + up;
        cost += 2;
        if (in(localSet, entry)) {
          steps.add(new Step(rule("--match-set " + localSet), "NodePort with "
              + "externalTrafficPolicy Local: the client address is kept"));
        } else if (in(set, entry)) {
          mark = true;
          steps.add(new Step(rule("--match-set " + set + " "), "NodePort traffic is marked"));
        }
      }
    }
    Packet cur = mark ? p.withMark(p.mark() | input.config().masqueradeMark()) : p;
    IpvsEvaluator.Result r = ipvs.evaluate(cur);
    cost += r.lookups();
    for (IpvsEvaluator.Step s : r.steps()) {
      steps.add(new Step(s.line(), s.detail()));
    }
    if (r.service() == null) {
      cost++;
      if (in("KUBE-IPVS-IPS", p.dst().toString()) && !in("KUBE-CLUSTER-IP", dstDst)
          && !in("KUBE-LOAD-BALANCER", dstDst) && !in("KUBE-EXTERNAL-IP", dstDst)
          && !in("KUBE-EXTERNAL-IP-LOCAL", dstDst)) {
        steps.add(new Step(rule("KUBE-IPVS-IPS dst -j REJECT"),
            "a Service address on a port that is not a Service port is rejected"));
        return new Result(Outcome.REJECT, cur, false, List.of(), steps, cost);
      }
      return new Result(isLocal(p.dst()) ? Outcome.LOCAL : Outcome.FORWARDED, cur, false,
          List.of(), steps, cost);
    }
    if (r.chosen() == null) {
      return new Result(Outcome.REJECT, cur, false, List.of(), steps, cost);
    }
    Packet out = r.apply(cur);
    cost++;
    boolean masq = mark;
    String hairpin = out.dst() + "," + proto + ":" + out.dport() + "," + out.src();
    if (in("KUBE-LOOP-BACK", hairpin)) {
      masq = true;
      steps.add(new Step(rule("KUBE-LOOP-BACK dst,dst,src -j MASQUERADE"),
          "hairpin: the endpoint talks to itself through the Service, so it is masqueraded"));
    } else if (mark) {
      steps.add(new Step(rule("-j MASQUERADE --random-fully"),
          "the masquerade mark is set: SNAT to the node's address"));
    }
    return new Result(Outcome.FORWARDED, out, masq, r.candidates(), steps, cost);
  }
}
