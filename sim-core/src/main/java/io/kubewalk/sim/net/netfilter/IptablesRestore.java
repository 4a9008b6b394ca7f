package io.kubewalk.sim.net.netfilter;

import io.kubewalk.sim.net.Cidr;
import io.kubewalk.sim.net.Ip;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Parses iptables-save / iptables-restore text into the typed model (in the spirit of
 * kube-proxy's {@code pkg/util/iptables/testing/parse.go}). Accepts both the canonical form
 * {@code iptables-save} prints and the looser form kube-proxy writes ({@code -m tcp -p tcp -d
 * 10.0.0.1 --dport 80}, {@code --or-mark}, {@code --probability 0.5000000000}, unquoted comments):
 * both give equal {@link Rule}s.
 */
public final class IptablesRestore {

  private IptablesRestore() {}

  /** Parses a whole dump into fresh tables (what restoring it into an empty namespace gives). */
  public static NetfilterTables parse(String text) {
    NetfilterTables.Builder b = NetfilterTables.empty().toBuilder();
    apply(b, text, false);
    return b.build();
  }

  /**
   * Applies restore input to existing state. With {@code noflush} (kube-proxy's NoFlushTables)
   * only the declared chains are flushed; otherwise each table named in the input is replaced.
   */
  public static void apply(NetfilterTables.Builder b, String text, boolean noflush) {
    Table table = null;
    List<Rule> pending = new ArrayList<>();
    List<String> deletes = new ArrayList<>();
    int lineNo = 0;
    for (String raw : text.split("\n", -1)) {
      lineNo++;
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      try {
        if (line.startsWith("*")) {
          table = Table.parse(line.substring(1));
          if (!noflush && b.hasChain(table, table.builtinChains().get(0))) {
            replaceTable(b, table);
          }
          b.ensureTable(table);
        } else if (line.equals("COMMIT")) {
          requireTable(table);
          for (Rule r : pending) {
            checkTarget(b, table, r);
            b.append(table, r);
          }
          for (String d : deletes) {
            b.delete(table, d);
          }
          pending.clear();
          deletes.clear();
          table = null;
        } else if (line.startsWith(":")) {
          requireTable(table);
          String[] f = line.substring(1).split("\\s+");
          String policy = f.length > 1 && !f[1].equals("-") ? f[1] : null;
          b.declare(table, f[0], policy);
        } else if (line.startsWith("-X ")) {
          requireTable(table);
          deletes.add(line.substring(3).strip());
        } else if (line.startsWith("-A ")) {
          requireTable(table);
          Rule r = parseRule(line);
          if (!b.hasChain(table, r.chain())) {
            throw new IllegalArgumentException("chain " + r.chain() + " does not exist");
          }
          pending.add(r);
        } else {
          throw new IllegalArgumentException("unexpected line");
        }
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("line " + lineNo + ": " + e.getMessage() + ": " + line, e);
      }
    }
    if (table != null) {
      throw new IllegalArgumentException("table " + table.lower() + " has no COMMIT");
    }
  }

  private static void replaceTable(NetfilterTables.Builder b, Table t) {
    NetfilterTables current = b.build();
    for (Chain c : current.chains(t)) {
      if (c.builtin()) {
        b.flush(t, c.name());
      } else {
        b.delete(t, c.name());
      }
    }
  }

  private static void requireTable(Table t) {
    if (t == null) {
      throw new IllegalArgumentException("no table (expected a *TABLE line first)");
    }
  }

  private static void checkTarget(NetfilterTables.Builder b, Table t, Rule r) {
    String target = null;
    if (r.target() instanceof Target.Jump) {
      target = ((Target.Jump) r.target()).chain();
    } else if (r.target() instanceof Target.Goto) {
      target = ((Target.Goto) r.target()).chain();
    }
    if (target != null && !b.hasChain(t, target)) {
      throw new IllegalArgumentException("jump to chain " + target + " which does not exist");
    }
  }

  /** Splits a rule line like a shell: double quotes group, backslash escapes inside quotes. */
  static List<String> tokenize(String line) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = null;
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quoted) {
        if (c == '\\' && i + 1 < line.length()) {
          cur.append(line.charAt(++i));
        } else if (c == '"') {
          quoted = false;
        } else {
          cur.append(c);
        }
      } else if (c == '"') {
        if (cur == null) {
          cur = new StringBuilder();
        }
        quoted = true;
      } else if (Character.isWhitespace(c)) {
        if (cur != null) {
          out.add(cur.toString());
          cur = null;
        }
      } else {
        if (cur == null) {
          cur = new StringBuilder();
        }
        cur.append(c);
      }
    }
    if (quoted) {
      throw new IllegalArgumentException("unterminated quote");
    }
    if (cur != null) {
      out.add(cur.toString());
    }
    return out;
  }

  /** Options taking no value, per extension. */
  private static final Set<String> FLAGS = Set.of("--set", "--rcheck", "--update", "--remove",
      "--reap", "--rsource", "--rdest", "--limit-iface-in", "--limit-iface-out", "--physdev-is-in",
      "--physdev-is-out", "--physdev-is-bridged");

  private static final Map<String, Set<String>> OPTIONS = Map.of(
      "comment", Set.of("--comment"),
      "mark", Set.of("--mark"),
      "addrtype", Set.of("--src-type", "--dst-type", "--limit-iface-in", "--limit-iface-out"),
      "tcp", Set.of("--sport", "--dport", "--source-port", "--destination-port"),
      "udp", Set.of("--sport", "--dport", "--source-port", "--destination-port"),
      "sctp", Set.of("--sport", "--dport", "--source-port", "--destination-port"),
      "multiport", Set.of("--dports", "--sports", "--destination-ports", "--source-ports"),
      "statistic", Set.of("--mode", "--probability"),
      "recent", Set.of("--name", "--set", "--rcheck", "--update", "--remove", "--seconds",
          "--reap", "--mask", "--rsource", "--rdest"),
      "conntrack", Set.of("--ctstate"));

  private static final Map<String, Set<String>> OPTIONS2 = Map.of(
      "physdev", Set.of("--physdev-is-in", "--physdev-is-out", "--physdev-is-bridged"),
      "nfacct", Set.of("--nfacct-name"),
      "set", Set.of("--match-set"));

  private static Set<String> options(String module) {
    Set<String> s = OPTIONS.get(module);
    if (s == null) {
      s = OPTIONS2.get(module);
    }
    if (s == null) {
      throw new IllegalArgumentException("unsupported match module '" + module + "'");
    }
    return s;
  }

  private record Opt(String name, String value, boolean negated) {}

  private static final class Ext {
    final String module;
    final List<Opt> opts = new ArrayList<>();

    Ext(String module) {
      this.module = module;
    }

    Opt get(String... names) {
      for (Opt o : opts) {
        for (String n : names) {
          if (o.name.equals(n)) {
            return o;
          }
        }
      }
      return null;
    }
  }

  /** Parses one {@code -A CHAIN ...} line. */
  public static Rule parseRule(String line) {
    List<String> tok = tokenize(line);
    if (tok.size() < 2 || !tok.get(0).equals("-A")) {
      throw new IllegalArgumentException("a rule starts with -A CHAIN");
    }
    String chain = tok.get(1);
    List<Object> items = new ArrayList<>(); // Match (basic) or Ext, in order
    Target target = null;
    String proto = null;
    boolean neg = false;
    String targetName = null;
    List<Opt> targetOpts = new ArrayList<>();
    boolean gotoTarget = false;
    for (int i = 2; i < tok.size(); i++) {
      String t = tok.get(i);
      if (t.equals("!")) {
        neg = true;
        continue;
      }
      switch (t) {
        case "-s":
        case "--source":
        case "--src":
          items.add(new Match.Source(cidr(tok.get(++i)), neg));
          break;
        case "-d":
        case "--destination":
        case "--dst":
          items.add(new Match.Destination(cidr(tok.get(++i)), neg));
          break;
        case "-i":
        case "--in-interface":
          items.add(new Match.InInterface(tok.get(++i), neg));
          break;
        case "-o":
        case "--out-interface":
          items.add(new Match.OutInterface(tok.get(++i), neg));
          break;
        case "-p":
        case "--protocol":
          proto = tok.get(++i).toLowerCase(Locale.ROOT);
          items.add(new Match.Proto(proto, neg));
          break;
        case "-m":
        case "--match":
          String module = tok.get(++i);
          options(module);
          items.add(new Ext(module));
          break;
        case "-j":
        case "--jump":
        case "-g":
        case "--goto":
          targetName = tok.get(++i);
          gotoTarget = t.equals("-g") || t.equals("--goto");
          break;
        default:
          if (!t.startsWith("--")) {
            throw new IllegalArgumentException("unexpected '" + t + "'");
          }
          Ext owner = null;
          for (int k = items.size() - 1; k >= 0 && owner == null; k--) {
            if (items.get(k) instanceof Ext && options(((Ext) items.get(k)).module).contains(t)) {
              owner = (Ext) items.get(k);
            }
          }
          if (owner == null && targetName == null && proto != null
              && (t.equals("--dport") || t.equals("--sport"))) {
            owner = new Ext(proto); // implicit -m PROTO, as iptables loads it for -p
            items.add(owner);
          }
          if (owner != null) {
            String v = FLAGS.contains(t) ? null : tok.get(++i);
            if (t.equals("--match-set")) {
              v = v + " " + tok.get(++i); // NAME FLAGS
            }
            owner.opts.add(new Opt(t, v, neg));
          } else if (targetName != null) {
            boolean flag = t.equals("--random-fully") || t.equals("--random");
            targetOpts.add(new Opt(t, flag ? null : tok.get(++i), neg));
          } else {
            throw new IllegalArgumentException("option " + t + " belongs to no loaded match");
          }
      }
      neg = false;
    }
    List<Match> matches = new ArrayList<>();
    for (Object o : items) {
      matches.add(o instanceof Match ? (Match) o : build((Ext) o));
    }
    if (targetName != null) {
      target = gotoTarget ? new Target.Goto(targetName) : target(targetName, targetOpts);
    }
    return new Rule(chain, matches, target);
  }

  private static Cidr cidr(String s) {
    return s.contains("/") ? Cidr.parse(s) : Cidr.host(Ip.parse(s));
  }

  private static int num(String s) {
    return s.startsWith("0x") ? (int) Long.parseLong(s.substring(2), 16) : (int) Long.parseLong(s);
  }

  private static Match build(Ext e) {
    switch (e.module) {
      case "comment":
        return new Match.Comment(req(e, "--comment").value);
      case "mark": {
        Opt o = req(e, "--mark");
        String[] vm = o.value.split("/");
        return new Match.Mark(num(vm[0]), vm.length > 1 ? num(vm[1]) : -1, o.negated);
      }
      case "addrtype": {
        Opt s = e.get("--src-type");
        Opt d = e.get("--dst-type");
        return new Match.AddrType(s == null ? null : s.value, s != null && s.negated,
            d == null ? null : d.value, d != null && d.negated,
            e.get("--limit-iface-in") != null, e.get("--limit-iface-out") != null);
      }
      case "tcp":
      case "udp":
      case "sctp": {
        Opt s = e.get("--sport", "--source-port");
        Opt d = e.get("--dport", "--destination-port");
        return new Match.Ports(e.module, s == null ? null : Match.PortRange.parse(s.value),
            s != null && s.negated, d == null ? null : Match.PortRange.parse(d.value),
            d != null && d.negated);
      }
      case "multiport": {
        Opt d = e.get("--dports", "--destination-ports");
        Opt o = d != null ? d : req(e, "--sports", "--source-ports");
        List<Match.PortRange> ports = new ArrayList<>();
        for (String p : o.value.split(",")) {
          ports.add(Match.PortRange.parse(p));
        }
        return new Match.Multiport(d != null, ports, o.negated);
      }
      case "statistic": {
        if (!req(e, "--mode").value.equals("random")) {
          throw new IllegalArgumentException("only statistic --mode random is modelled");
        }
        return Match.Statistic.ofProbability(Double.parseDouble(req(e, "--probability").value));
      }
      case "recent": {
        Match.RecentMode mode = null;
        for (Match.RecentMode m : Match.RecentMode.values()) {
          if (e.get(m.flag) != null) {
            mode = m;
          }
        }
        if (mode == null) {
          throw new IllegalArgumentException("-m recent needs --set, --rcheck, --update or --remove");
        }
        Opt sec = e.get("--seconds");
        Opt name = e.get("--name");
        Opt mask = e.get("--mask");
        if (mask != null && !mask.value.equals("255.255.255.255")) {
          throw new IllegalArgumentException("only --mask 255.255.255.255 is modelled");
        }
        return new Match.Recent(name == null ? "DEFAULT" : name.value, mode,
            sec == null ? null : Integer.parseInt(sec.value), e.get("--reap") != null,
            e.get("--rdest") == null);
      }
      case "conntrack": {
        Opt o = req(e, "--ctstate");
        Set<CtState> states = EnumSet.noneOf(CtState.class);
        for (String s : o.value.split(",")) {
          states.add(CtState.valueOf(s));
        }
        return new Match.Conntrack(states, o.negated);
      }
      case "physdev":
        return new Match.PhysDev(e.get("--physdev-is-in") != null,
            e.get("--physdev-is-out") != null, e.get("--physdev-is-bridged") != null);
      case "nfacct":
        return new Match.Nfacct(req(e, "--nfacct-name").value);
      case "set": {
        Opt o = req(e, "--match-set");
        String[] v = o.value.split(" ", 2);
        if (v.length != 2) {
          throw new IllegalArgumentException("--match-set needs a set name and src|dst flags");
        }
        return new Match.IpSet(v[0], List.of(v[1].split(",")), o.negated);
      }
      default:
        throw new IllegalArgumentException("unsupported match module '" + e.module + "'");
    }
  }

  private static Opt req(Ext e, String... names) {
    Opt o = e.get(names);
    if (o == null) {
      throw new IllegalArgumentException("-m " + e.module + " needs " + names[0]);
    }
    return o;
  }

  private static Target target(String name, List<Opt> opts) {
    Map<String, String> o = new java.util.LinkedHashMap<>();
    for (Opt x : opts) {
      o.put(x.name, x.value);
    }
    switch (name) {
      case "ACCEPT":
      case "DROP":
      case "RETURN":
        return new Target.Builtin(name);
      case "REJECT":
        return new Target.Reject(o.getOrDefault("--reject-with", "icmp-port-unreachable"));
      case "MARK": {
        if (o.containsKey("--set-xmark")) {
          String[] vm = o.get("--set-xmark").split("/");
          return new Target.SetMark(num(vm[0]), vm.length > 1 ? num(vm[1]) : -1);
        }
        if (o.containsKey("--set-mark")) {
          String[] vm = o.get("--set-mark").split("/");
          int v = num(vm[0]);
          return new Target.SetMark(v, vm.length > 1 ? v | num(vm[1]) : -1);
        }
        if (o.containsKey("--or-mark")) {
          int v = num(o.get("--or-mark"));
          return new Target.SetMark(v, v);
        }
        if (o.containsKey("--xor-mark")) {
          return new Target.SetMark(num(o.get("--xor-mark")), 0);
        }
        if (o.containsKey("--and-mark")) {
          return new Target.SetMark(0, ~num(o.get("--and-mark")));
        }
        throw new IllegalArgumentException("MARK needs --set-xmark, --set-mark, --or-mark, --xor-mark or --and-mark");
      }
      case "DNAT": {
        String to = o.get("--to-destination");
        if (to == null) {
          throw new IllegalArgumentException("DNAT needs --to-destination");
        }
        int c = to.indexOf(':');
        return c < 0 ? new Target.Dnat(Ip.parse(to), null)
            : new Target.Dnat(Ip.parse(to.substring(0, c)), Integer.parseInt(to.substring(c + 1)));
      }
      case "SNAT": {
        String to = o.get("--to-source");
        if (to == null || to.contains(":")) {
          throw new IllegalArgumentException("SNAT needs --to-source IP (ports are not modelled)");
        }
        return new Target.Snat(Ip.parse(to), o.containsKey("--random-fully"));
      }
      case "MASQUERADE":
        return new Target.Masquerade(o.containsKey("--random-fully"));
      default:
        if (!opts.isEmpty()) {
          throw new IllegalArgumentException("unsupported target " + name + " with options");
        }
        return new Target.Jump(name);
    }
  }
}
