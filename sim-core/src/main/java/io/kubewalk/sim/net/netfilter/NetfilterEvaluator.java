package io.kubewalk.sim.net.netfilter;

import io.kubewalk.sim.net.Ip;
import io.kubewalk.sim.net.Packet;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Walks netfilter chains as the kernel does: rules in order, a rule's matches in order (stopping
 * at the first that fails), {@code -j} pushes a chain, {@code -g} replaces the current one,
 * RETURN or the end of a user chain goes back to the caller, the end of a built-in chain applies
 * its policy. MARK continues; ACCEPT, DROP, REJECT, DNAT, SNAT and MASQUERADE decide.
 *
 * <pre>
 *  PREROUTING --(route)--+--> INPUT ------> local socket
 *   raw,mangle,nat       |     mangle,filter,nat
 *                        +--> FORWARD --+--> POSTROUTING --> out
 *  local socket -> OUTPUT (raw,mangle,nat,filter) ----+      mangle,nat
 * </pre>
 */
public final class NetfilterEvaluator {

  private static final int MAX_JUMPS = 1000;

  private NetfilterEvaluator() {}

  /** The hooks, with the tables each one consults in kernel priority order. */
  public enum Hook {
    PREROUTING(Table.RAW, Table.MANGLE, Table.NAT),
    INPUT(Table.MANGLE, Table.FILTER, Table.NAT),
    FORWARD(Table.MANGLE, Table.FILTER),
    OUTPUT(Table.RAW, Table.MANGLE, Table.NAT, Table.FILTER),
    POSTROUTING(Table.MANGLE, Table.NAT);

    private final List<Table> tables;

    Hook(Table... tables) {
      this.tables = List.of(tables);
    }

    public List<Table> tables() {
      return tables;
    }
  }

  /** The result of one hook: each table's traversal in order, and the combined outcome. */
  public record HookResult(List<TraversalResult> perTable, TraversalResult.Verdict verdict,
      Packet packet, Target nat, Set<CtState> ctState) {
    public HookResult {
      perTable = List.copyOf(perTable);
    }

    public List<NetfilterStep> steps() {
      List<NetfilterStep> s = new ArrayList<>();
      perTable.forEach(r -> s.addAll(r.steps()));
      return s;
    }

    public int rulesEvaluated() {
      return perTable.stream().mapToInt(TraversalResult::rulesEvaluated).sum();
    }

    public double probability() {
      return perTable.stream().mapToDouble(TraversalResult::probability).reduce(1, (a, b) -> a * b);
    }
  }

  /**
   * Runs every table of a hook. The nat table is consulted only for a connection's first packet
   * (ctstate NEW) and only while that direction's mapping is unset (no DNAT yet at PREROUTING and
   * OUTPUT, no SNAT yet at INPUT and POSTROUTING), as in the kernel; a DNAT or SNAT adds that
   * state for the tables that follow.
   */
  public static HookResult hook(NetfilterTables tables, Hook hook, PacketContext ctx,
      RandomChoice rnd) {
    List<TraversalResult> results = new ArrayList<>();
    PacketContext c = ctx;
    Target nat = null;
    for (Table t : hook.tables()) {
      if (!tables.has(t) || tables.chain(t, hook.name()) == null) {
        continue;
      }
      boolean dstManip = hook == Hook.PREROUTING || hook == Hook.OUTPUT;
      if (t == Table.NAT && (!c.ctState().contains(CtState.NEW)
          || c.ctState().contains(dstManip ? CtState.DNAT : CtState.SNAT))) {
        continue;
      }
      TraversalResult r = traverse(tables, t, hook.name(), c, rnd);
      results.add(r);
      c = c.withPacket(r.packet());
      if (r.nat() != null) {
        nat = r.nat();
        Set<CtState> s = EnumSet.noneOf(CtState.class);
        s.addAll(c.ctState());
        s.add(r.dnat() ? CtState.DNAT : CtState.SNAT);
        c = c.withCtState(s);
      }
      if (r.verdict() == TraversalResult.Verdict.DROP
          || r.verdict() == TraversalResult.Verdict.REJECT) {
        return new HookResult(results, r.verdict(), c.packet(), nat, c.ctState());
      }
    }
    return new HookResult(results, TraversalResult.Verdict.ACCEPT, c.packet(), nat, c.ctState());
  }

  /** Walks {@code chain} of {@code table}; random choices come from {@code rnd}. */
  public static TraversalResult traverse(NetfilterTables tables, Table table, String chain,
      PacketContext ctx, RandomChoice rnd) {
    return new Walk(tables, table, ctx, rnd).run(chain);
  }

  /**
   * Every outcome of the walk over all {@code statistic} branches, each with its exact
   * probability (they sum to 1). Each path runs on its own copy of the recent lists.
   */
  public static List<TraversalResult> enumerate(NetfilterTables tables, Table table, String chain,
      PacketContext ctx) {
    List<TraversalResult> out = new ArrayList<>();
    Deque<List<Boolean>> todo = new ArrayDeque<>();
    todo.push(List.of());
    while (!todo.isEmpty()) {
      List<Boolean> script = todo.pop();
      List<Boolean> taken = new ArrayList<>();
      RandomChoice scripted = p -> {
        boolean v = taken.size() < script.size() ? script.get(taken.size()) : true;
        taken.add(v);
        return v;
      };
      PacketContext c = ctx.withRecent(ctx.recent().copy());
      TraversalResult r = new Walk(tables, table, c, scripted).run(chain);
      if (r.probability() > 0) {
        out.add(r);
      }
      for (int i = taken.size() - 1; i >= script.size(); i--) {
        if (taken.get(i)) {
          List<Boolean> alt = new ArrayList<>(taken.subList(0, i));
          alt.add(false);
          todo.push(alt);
        }
      }
    }
    return out;
  }

  private static final class Walk {
    final NetfilterTables tables;
    final Table table;
    final PacketContext ctx;
    final RandomChoice rnd;
    Packet packet;
    double probability = 1;
    int evaluated;
    final List<NetfilterStep> steps = new ArrayList<>();

    Walk(NetfilterTables tables, Table table, PacketContext ctx, RandomChoice rnd) {
      this.tables = tables;
      this.table = table;
      this.ctx = ctx;
      this.rnd = rnd;
      this.packet = ctx.packet();
    }

    private static final class Frame {
      Chain chain;
      int next;

      Frame(Chain chain) {
        this.chain = chain;
      }
    }

    TraversalResult run(String entry) {
      Chain start = chain(entry);
      Deque<Frame> stack = new ArrayDeque<>();
      stack.push(new Frame(start));
      int jumps = 0;
      while (!stack.isEmpty()) {
        Frame f = stack.peek();
        if (f.next >= f.chain.rules().size()) {
          stack.pop();
          continue;
        }
        Rule r = f.chain.rules().get(f.next);
        int number = ++f.next;
        evaluated++;
        if (!matches(r)) {
          continue;
        }
        Target t = r.target();
        if (t instanceof Target.SetMark) {
          packet = packet.withMark(((Target.SetMark) t).apply(packet.mark()));
        } else if (t instanceof Target.Dnat) {
          Target.Dnat d = (Target.Dnat) t;
          packet = packet.withDst(d.ip(), d.port() == null ? packet.dport() : d.port());
        }
        steps.add(new NetfilterStep(table, f.chain.name(), number, r.toString(), describe(t),
            packet));
        if (t instanceof Target.None) {
          continue;
        } else if (t instanceof Target.Builtin) {
          String n = ((Target.Builtin) t).name();
          if (n.equals("RETURN")) {
            stack.pop();
            continue;
          }
          return result(n.equals("ACCEPT") ? TraversalResult.Verdict.ACCEPT
              : TraversalResult.Verdict.DROP, null);
        } else if (t instanceof Target.Reject) {
          return result(TraversalResult.Verdict.REJECT, null);
        } else if (t instanceof Target.Jump || t instanceof Target.Goto) {
          if (++jumps > MAX_JUMPS) {
            throw new IllegalStateException("chain loop in table " + table.lower());
          }
          String to = t instanceof Target.Jump ? ((Target.Jump) t).chain()
              : ((Target.Goto) t).chain();
          if (t instanceof Target.Goto) {
            stack.pop();
          }
          stack.push(new Frame(chain(to)));
        } else if (t instanceof Target.SetMark) {
          continue;
        } else if (t instanceof Target.Dnat) {
          return result(TraversalResult.Verdict.ACCEPT, t);
        } else {
          return result(TraversalResult.Verdict.ACCEPT, t); // SNAT, MASQUERADE
        }
      }
      if (start.builtin()) {
        steps.add(new NetfilterStep(table, start.name(), 0, null,
            "DEFAULT POLICY => " + start.policy(), packet));
        return result(start.policy().equals("ACCEPT") ? TraversalResult.Verdict.ACCEPT
            : TraversalResult.Verdict.DROP, null);
      }
      return result(TraversalResult.Verdict.RETURN, null);
    }

    private TraversalResult result(TraversalResult.Verdict v, Target nat) {
      return new TraversalResult(v, packet, nat, steps, evaluated, probability, ctx.recent());
    }

    private Chain chain(String name) {
      Chain c = tables.chain(table, name);
      if (c == null) {
        throw new IllegalArgumentException(
            "no chain " + name + " in table " + table.lower());
      }
      return c;
    }

    private static String describe(Target t) {
      if (t instanceof Target.None) {
        return "(no target, continue)";
      }
      if (t instanceof Target.Goto) {
        return "goto " + t.name();
      }
      String l = t.listing();
      return l.isEmpty() ? t.name() : l.startsWith(t.name() + " ") ? l : t.name() + " " + l;
    }

    private boolean matches(Rule r) {
      for (Match m : r.matches()) {
        if (!matches(m)) {
          return false;
        }
      }
      return true;
    }

    private static boolean iface(String pattern, String actual) {
      if (actual == null) {
        return false;
      }
      return pattern.endsWith("+")
          ? actual.startsWith(pattern.substring(0, pattern.length() - 1))
          : actual.equals(pattern);
    }

    private boolean matches(Match m) {
      Packet p = packet;
      if (m instanceof Match.Source) {
        Match.Source s = (Match.Source) m;
        return s.cidr().contains(p.src()) != s.negated();
      } else if (m instanceof Match.Destination) {
        Match.Destination d = (Match.Destination) m;
        return d.cidr().contains(p.dst()) != d.negated();
      } else if (m instanceof Match.InInterface) {
        Match.InInterface i = (Match.InInterface) m;
        return iface(i.name(), ctx.inInterface()) != i.negated();
      } else if (m instanceof Match.OutInterface) {
        Match.OutInterface o = (Match.OutInterface) m;
        return iface(o.name(), ctx.outInterface()) != o.negated();
      } else if (m instanceof Match.Proto) {
        Match.Proto pr = (Match.Proto) m;
        return (pr.number() == p.proto().number()) != pr.negated();
      } else if (m instanceof Match.Comment || m instanceof Match.Nfacct) {
        return true;
      } else if (m instanceof Match.Mark) {
        Match.Mark k = (Match.Mark) m;
        return ((p.mark() & k.mask()) == k.value()) != k.negated();
      } else if (m instanceof Match.AddrType) {
        Match.AddrType a = (Match.AddrType) m;
        if (a.srcType() != null && type(a.srcType(), p.src()) == a.srcNegated()) {
          return false;
        }
        return a.dstType() == null || type(a.dstType(), p.dst()) != a.dstNegated();
      } else if (m instanceof Match.Ports) {
        Match.Ports pt = (Match.Ports) m;
        if (Match.Proto.number(pt.module()) != p.proto().number()) {
          return false;
        }
        if (pt.sport() != null && pt.sport().contains(p.sport()) == pt.sportNegated()) {
          return false;
        }
        return pt.dport() == null || pt.dport().contains(p.dport()) != pt.dportNegated();
      } else if (m instanceof Match.Multiport) {
        Match.Multiport mp = (Match.Multiport) m;
        int port = mp.destination() ? p.dport() : p.sport();
        boolean any = mp.ports().stream().anyMatch(r -> r.contains(port));
        return any != mp.negated();
      } else if (m instanceof Match.Statistic) {
        double prob = ((Match.Statistic) m).probability();
        boolean take = rnd.take(prob);
        probability *= take ? prob : 1 - prob;
        return take;
      } else if (m instanceof Match.Recent) {
        Match.Recent rc = (Match.Recent) m;
        Ip ip = rc.rsource() ? p.src() : p.dst();
        RecentLists lists = ctx.recent();
        switch (rc.mode()) {
          case SET:
            lists.set(rc.name(), ip, ctx.nowSeconds());
            return true;
          case RCHECK:
            return lists.check(rc.name(), ip, rc.seconds(), ctx.nowSeconds());
          case UPDATE:
            if (lists.check(rc.name(), ip, rc.seconds(), ctx.nowSeconds())) {
              lists.set(rc.name(), ip, ctx.nowSeconds());
              return true;
            }
            return false;
          default:
            boolean found = lists.check(rc.name(), ip, null, ctx.nowSeconds());
            lists.remove(rc.name(), ip);
            return found;
        }
      } else if (m instanceof Match.Conntrack) {
        Match.Conntrack ct = (Match.Conntrack) m;
        boolean any = ct.states().stream().anyMatch(ctx.ctState()::contains);
        return any != ct.negated();
      } else if (m instanceof Match.IpSet) {
        Match.IpSet is = (Match.IpSet) m;
        return ctx.ipsets().contains(is.name(), p, is.dirs()) != is.negated();
      } else if (m instanceof Match.PhysDev) {
        Match.PhysDev pd = (Match.PhysDev) m;
        return !(pd.isIn() || pd.isOut() || pd.isBridged()) || ctx.bridged();
      }
      throw new IllegalStateException("unhandled match " + m);
    }

    private boolean type(String type, Ip ip) {
      switch (type) {
        case "LOCAL":
          return ctx.isLocal().test(ip);
        case "UNICAST":
          return !ctx.isLocal().test(ip) && !ip.equals(Ip.ANY);
        default:
          throw new IllegalArgumentException("addrtype " + type + " is not modelled");
      }
    }
  }
}
