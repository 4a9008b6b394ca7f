package io.kubewalk.sim.net.nftables;

import io.kubewalk.sim.net.Ip;
import io.kubewalk.sim.net.Packet;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * Walks a packet through a table's base chains for one new connection: the pre-routing (or output)
 * hooks in priority order, the input or forward hook after the routing decision, then
 * post-routing. Jumps, gotos, verdict-map lookups and {@code numgen} choices are followed through
 * the model; every rule that decided something becomes a {@link Step}.
 */
public final class NftEvaluator {

  /** The final disposition of the packet in this table. */
  public enum Outcome {
    ACCEPT,
    DROP,
    REJECT
  }

  /** One explained step: the hook and chain, the rule as {@code nft list} prints it, a sentence. */
  public record Step(String hook, String chain, String rule, String detail) {}

  /** One possible endpoint of a {@code numgen} choice and its probability. */
  public record Candidate(String endpoint, double probability) {}

  /**
   * The result: outcome, the packet after DNAT and mark changes, whether it was masqueraded, every
   * candidate of the random choices, the steps, and the cost (rules evaluated, map lookups).
   */
  public record Result(
      Outcome outcome,
      Packet packet,
      boolean masqueraded,
      List<Candidate> candidates,
      List<Step> steps,
      int rulesEvaluated,
      int mapLookups) {
    public Result {
      candidates = List.copyOf(candidates);
      steps = List.copyOf(steps);
    }

    public int cost() {
      return rulesEvaluated + mapLookups;
    }
  }

  private final NftTable table;
  private final Set<Ip> localAddresses;

  /**
   * @param localAddresses the node's local addresses ({@code fib ... type local} is true for them
   *     and for 127.0.0.0/8)
   */
  public NftEvaluator(NftTable table, Set<Ip> localAddresses) {
    this.table = table;
    this.localAddresses = Set.copyOf(localAddresses);
    for (NftChain c : table.chains()) {
      if (c.base() != null) {
        baseChains.computeIfAbsent(c.base().hook(), k -> new ArrayList<>()).add(c);
      }
    }
    baseChains.values().forEach(l -> l.sort(
        Comparator.comparingInt((NftChain c) -> c.base().priority())));
  }

  /** The table's base chains per hook, in priority order (the table does not change). */
  private final java.util.Map<String, List<NftChain>> baseChains = new java.util.HashMap<>();

  private boolean isLocal(Ip ip) {
    return ip.isLoopback() || localAddresses.contains(ip);
  }

  /** Mutable walk state. */
  private final class Walk {
    Packet packet;
    boolean masqueraded;
    final List<Candidate> candidates = new ArrayList<>();
    final List<Step> steps = new ArrayList<>();
    int rules;
    int lookups;
    final RandomGenerator rng;
    final boolean fresh;
    String hook;

    Walk(Packet p, RandomGenerator rng, boolean fresh) {
      this.packet = p;
      this.rng = rng;
      this.fresh = fresh;
    }
  }

  /** How a chain ended. */
  private enum End {
    CONTINUE,
    RETURN,
    ACCEPT,
    DROP,
    REJECT
  }

  /**
   * Evaluates the first packet of a connection. {@code locallyGenerated} selects the output path
   * instead of pre-routing.
   */
  public Result evaluate(Packet packet, boolean locallyGenerated, RandomGenerator rng) {
    Walk w = new Walk(packet, rng, true);
    End end = runHook(w, locallyGenerated ? "output" : "prerouting");
    if (end == End.CONTINUE) {
      String next = locallyGenerated ? null : (isLocal(w.packet.dst()) ? "input" : "forward");
      if (next != null) {
        end = runHook(w, next);
      }
    }
    if (end == End.CONTINUE) {
      end = runHook(w, "postrouting");
    }
    Outcome o =
        switch (end) {
          case DROP -> Outcome.DROP;
          case REJECT -> Outcome.REJECT;
          default -> Outcome.ACCEPT;
        };
    return new Result(o, w.packet, w.masqueraded, w.candidates, w.steps, w.rules, w.lookups);
  }

  /**
   * One hook ({@code prerouting}, {@code input}, {@code forward}, {@code output}, {@code
   * postrouting}) for one packet, as the tracer meets them. A packet of a known connection
   * ({@code fresh} false) skips the nat chains and does not match {@code ct state new}. ACCEPT
   * means the packet goes on.
   */
  public Result hook(String hook, Packet packet, boolean fresh, RandomGenerator rng) {
    Walk w = new Walk(packet, rng, fresh);
    Outcome o = switch (runHook(w, hook)) {
      case DROP -> Outcome.DROP;
      case REJECT -> Outcome.REJECT;
      default -> Outcome.ACCEPT;
    };
    return new Result(o, w.packet, w.masqueraded, w.candidates, w.steps, w.rules, w.lookups);
  }

  private End runHook(Walk w, String hook) {
    w.hook = hook;
    for (NftChain c : baseChains.getOrDefault(hook, List.of())) {
      if (!w.fresh && c.base().type().equals("nat")) {
        continue;
      }
      End e = runChain(w, c, 0);
      if (e == End.DROP || e == End.REJECT) {
        return e;
      }
    }
    return End.CONTINUE;
  }

  private End runChain(Walk w, NftChain chain, int depth) {
    if (depth > 32) {
      throw new IllegalStateException("chain nesting too deep at " + chain.name());
    }
    for (NftRule rule : chain.rules()) {
      w.rules++;
      End e = runRule(w, chain, rule, depth);
      if (e != End.CONTINUE) {
        return e;
      }
    }
    return End.CONTINUE;
  }

  private End runRule(Walk w, NftChain chain, NftRule rule, int depth) {
    Packet p = w.packet;
    for (NftExpr x : rule.exprs()) {
      if (x instanceof NftExpr.AddrMatch m) {
        if (!m.matches(m.source() ? p.src() : p.dst())) {
          return End.CONTINUE;
        }
      } else if (x instanceof NftExpr.AddrInSet s) {
        w.lookups++;
        NftSet set = table.findSet(s.set());
        Ip ip = s.source() ? p.src() : p.dst();
        if (set == null || set.lookup(List.of(ip.toString())) == null) {
          return End.CONTINUE;
        }
      } else if (x instanceof NftExpr.FibLocal f) {
        if (!isLocal(f.source() ? p.src() : p.dst())) {
          return End.CONTINUE;
        }
      } else if (x instanceof NftExpr.CtStateNew) {
        if (!w.fresh) {
          return End.CONTINUE;
        }
      } else if (x instanceof NftExpr.L4Proto l) {
        if (l.protocol() != p.proto()) {
          return End.CONTINUE;
        }
      } else if (x instanceof NftExpr.MarkClear m) {
        if ((p.mark() & m.mark()) != 0) {
          return End.CONTINUE;
        }
      } else if (x instanceof NftExpr.MarkOr m) {
        w.packet = p = p.withMark(p.mark() | m.mark());
        step(w, chain, rule, "marks the packet for masquerade (mark " + NftExpr.hex(p.mark()) + ")");
      } else if (x instanceof NftExpr.MarkXor m) {
        w.packet = p = p.withMark(p.mark() ^ m.mark());
      } else if (x instanceof NftExpr.Masquerade) {
        w.masqueraded = true;
        step(w, chain, rule, "masquerades: the source becomes the outgoing interface's address");
        return End.ACCEPT;
      } else if (x instanceof NftExpr.Dnat d) {
        w.packet = p.withDst(d.ip(), d.port());
        step(w, chain, rule, "DNAT " + p.dst() + ":" + p.dport() + " -> " + d.ip() + ":" + d.port());
        return End.ACCEPT;
      } else if (x instanceof NftExpr.UpdateSet u) {
        step(w, chain, rule, "records " + p.src() + " in affinity set " + u.set());
      } else if (x instanceof NftExpr.VmapLookup v) {
        w.lookups++;
        NftSet map = table.findSet(v.map());
        List<String> key = new ArrayList<>();
        if (v.withAddr()) {
          key.add(p.dst().toString());
        }
        key.add(p.proto().lower());
        key.add(Integer.toString(p.dport()));
        NftSet.Element el = map == null ? null : map.lookup(key);
        if (el == null) {
          return End.CONTINUE;
        }
        step(w, chain, rule, "@" + v.map() + " has " + el.text());
        return verdict(w, chain, NftExpr.Verdict.parse(el.value()), depth);
      } else if (x instanceof NftExpr.NumgenVmap n) {
        w.lookups++;
        int k = n.chains().size();
        for (String c : n.chains()) {
          w.candidates.add(new Candidate(endpointOf(c), 1.0 / k));
        }
        int pick = w.rng.nextInt(k);
        step(w, chain, rule, "numgen picked " + pick + " of " + k + " (each 1/" + k + ")");
        return verdict(w, chain, NftExpr.Verdict.goTo(n.chains().get(pick)), depth);
      } else if (x instanceof NftExpr.Verdict v) {
        if (v.kind() == NftExpr.Verdict.Kind.DROP || v.kind() == NftExpr.Verdict.Kind.REJECT) {
          step(w, chain, rule, v.kind() == NftExpr.Verdict.Kind.DROP
              ? "drops the packet" : "rejects the packet (ICMP port unreachable / TCP reset)");
        }
        return verdict(w, chain, v, depth);
      }
    }
    return End.CONTINUE;
  }

  private End verdict(Walk w, NftChain from, NftExpr.Verdict v, int depth) {
    switch (v.kind()) {
      case RETURN:
        return End.RETURN;
      case DROP:
        return End.DROP;
      case REJECT:
        return End.REJECT;
      case ACCEPT:
        return End.ACCEPT;
      default:
        break;
    }
    NftChain target = table.findChain(v.target());
    if (target == null) {
      throw new IllegalStateException(from.name() + " refers to missing chain " + v.target());
    }
    End e = runChain(w, target, depth + 1);
    if (v.kind() == NftExpr.Verdict.Kind.JUMP) {
      return e == End.RETURN ? End.CONTINUE : e;
    }
    // goto: the called chain's end (or return) ends the calling chain too.
    return e == End.CONTINUE ? End.RETURN : e;
  }

  private static void step(Walk w, NftChain chain, NftRule rule, String detail) {
    w.steps.add(new Step(w.hook, chain.name(), rule.listText(), detail));
  }

  /** {@code endpoint-XXXX-ns/svc/tcp/p80__10.180.0.1/80} -> {@code 10.180.0.1:80}. */
  static String endpointOf(String chain) {
    int i = chain.lastIndexOf("__");
    if (i < 0) {
      return chain;
    }
    String ep = chain.substring(i + 2);
    int slash = ep.lastIndexOf('/');
    return slash < 0 ? ep : ep.substring(0, slash) + ":" + ep.substring(slash + 1);
  }
}
