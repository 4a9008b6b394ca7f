package io.kubewalk.sim.net.netfilter;

import io.kubewalk.sim.net.Cidr;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Renders {@code iptables -t TABLE -L [CHAIN] -n -v [--line-numbers]} in iptables v1.8.9
 * (nf_tables) column layout (counters are always 0: kubewalk keeps no packet counters). Checked
 * byte for byte against the real tool on kube-proxy rules.
 */
public final class IptablesList {

  private static final String HEADER =
      " pkts bytes target     prot opt in     out     source               destination         ";

  private IptablesList() {}

  /** @param chain a single chain, or null for every chain of the table */
  public static String render(NetfilterTables tables, Table table, String chain,
      boolean lineNumbers) {
    List<Chain> chains = new ArrayList<>();
    if (chain != null) {
      Chain c = tables.chain(table, chain);
      if (c == null) {
        throw new IllegalArgumentException("iptables: No chain/target/match by that name.");
      }
      chains.add(c);
    } else {
      chains.addAll(tables.chains(table));
    }
    StringBuilder b = new StringBuilder();
    boolean first = true;
    for (Chain c : chains) {
      if (!first) {
        b.append('\n');
      }
      first = false;
      b.append("Chain ").append(c.name());
      if (c.builtin()) {
        b.append(" (policy ").append(c.policy()).append(" 0 packets, 0 bytes)\n");
      } else {
        b.append(" (").append(tables.references(table, c.name())).append(" references)\n");
      }
      b.append(lineNumbers ? "num  " : "").append(HEADER).append('\n');
      int n = 1;
      for (Rule r : c.rules()) {
        if (lineNumbers) {
          b.append(String.format(Locale.ROOT, "%-4d ", n));
        }
        b.append(line(r)).append('\n');
        n++;
      }
    }
    return b.toString();
  }

  /** One rule as -L -n -v prints it (without the line number). */
  public static String line(Rule r) {
    Match.Proto proto = r.find(Match.Proto.class);
    Match.Source src = r.find(Match.Source.class);
    Match.Destination dst = r.find(Match.Destination.class);
    Match.InInterface in = r.find(Match.InInterface.class);
    Match.OutInterface out = r.find(Match.OutInterface.class);
    StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%5d %5d ", 0, 0));
    b.append(pad(r.target().name(), 9)).append(' ');
    b.append(proto != null && proto.negated() ? '!' : ' ');
    b.append(pad(proto == null ? "0" : Integer.toString(proto.number()), 5));
    b.append("--  ");
    b.append(pad(iface(in == null ? null : in.name(), in != null && in.negated()), 6)).append(' ');
    b.append(pad(iface(out == null ? null : out.name(), out != null && out.negated()), 6))
        .append(' ');
    b.append(src != null && src.negated() ? '!' : ' ')
        .append(pad(addr(src == null ? null : src.cidr()), 19)).append(' ');
    b.append(dst != null && dst.negated() ? '!' : ' ')
        .append(pad(addr(dst == null ? null : dst.cidr()), 19)).append(' ');
    if (r.target() instanceof Target.Goto) {
      b.append("[goto] ");
    }
    for (Match m : r.matches()) {
      if (!m.basic()) {
        b.append(' ').append(m.listing());
      }
    }
    String tl = r.target().listing();
    if (!tl.isEmpty()) {
      b.append(' ').append(tl);
    }
    return b.toString();
  }

  private static String iface(String name, boolean neg) {
    return name == null ? "*" : (neg ? "!" : "") + name;
  }

  private static String addr(Cidr c) {
    if (c == null) {
      return "0.0.0.0/0";
    }
    return c.prefix() == 32 ? c.network().toString() : c.toString();
  }

  private static String pad(String s, int w) {
    StringBuilder b = new StringBuilder(s);
    while (b.length() < w) {
      b.append(' ');
    }
    return b.toString();
  }
}
