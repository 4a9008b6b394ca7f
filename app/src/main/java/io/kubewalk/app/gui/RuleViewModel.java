package io.kubewalk.app.gui;

import io.kubewalk.sim.Simulation;
import io.kubewalk.sim.api.Pod;
import io.kubewalk.sim.shell.Shell;
import io.kubewalk.sim.trace.Step;
import io.kubewalk.sim.trace.Trace;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The rule view beside the inspector, without JavaFX: for a trace step, the ruleset of the
 * namespace it happened in, printed by the real tool ({@code iptables-save} for netfilter rules,
 * {@code ipvsadm -Ln} for IPVS, {@code nft list table ip kube-proxy} for nftables, {@code ip
 * route} for routing, {@code conntrack -L} for conntrack entries), and which line decided.
 * Outputs are cached per simulation, namespace and command; safe to use from a worker thread.
 */
public final class RuleViewModel {

  /**
   * What the rule view shows: the command, its output lines, the decisive line (or -1) and a
   * second decisive line when a step used two tables (or -1).
   */
  public record RuleView(String command, String target, List<String> lines, int highlight,
      int second) {
    public RuleView {
      lines = List.copyOf(lines);
    }

    RuleView(String command, String target, List<String> lines, int highlight) {
      this(command, target, lines, highlight, -1);
    }

    static RuleView empty(String why) {
      return new RuleView(why, "", List.of(), -1);
    }

    /** Whether line {@code i} is highlighted. */
    public boolean marks(int i) {
      return i >= 0 && (i == highlight || i == second);
    }

    /** The highlighted line's text, or null. */
    public String highlighted() {
      return highlight < 0 ? null : lines.get(highlight);
    }
  }

  private static final Set<String> TABLES = Set.of("raw", "mangle", "nat", "filter", "security");
  private static final Pattern IPVS_SERVICE = Pattern.compile("^(TCP|UDP|SCTP)\\s+\\S+:\\d+.*");
  private static final Pattern NFT_CHAIN = Pattern.compile("chain (\\S+):");
  private static final Pattern CHAIN_OF_DETAIL = Pattern.compile("^(\\w+) ([\\w-]+)[ :]");

  private static final Pattern CT_TUPLE =
      Pattern.compile("src=\\S+ dst=\\S+ sport=\\d+ dport=\\d+");

  private final Map<String, List<String>> cache = new java.util.concurrent.ConcurrentHashMap<>();
  private final Map<String, String> podOfNetns = new HashMap<>();
  private final Simulation sim;

  public RuleViewModel(Simulation sim) {
    this.sim = sim;
    for (Pod p : sim.cluster().pods()) {
      sim.dataplane().pod(p).ifPresent(ns ->
          podOfNetns.put(ns.node() + "/" + ns.name(), "pod/" + p.key()));
    }
  }

  /** The exec target of a step's namespace: the node, or {@code pod/NS/NAME}. */
  public String targetOf(Step s) {
    if (s.netns() == null || s.netns().equals(s.node())) {
      return s.node();
    }
    return podOfNetns.getOrDefault(s.node() + "/" + s.netns(), s.node());
  }

  /** The rule view for step {@code s} of {@code trace} (whose conntrack {@code conntrack -L} shows). */
  public RuleView forStep(Step s, Trace trace) {
    String rule = s.rule();
    String detail = s.detail() == null ? "" : s.detail();
    String target = targetOf(s);
    if (s.kind() == Step.Kind.NFT || detail.startsWith("nft ")) {
      List<String> lines = run(target, List.of("nft", "list", "table", "ip", "kube-proxy"), null);
      return new RuleView("nft list table ip kube-proxy", target, lines,
          nftLine(lines, detail, rule));
    }
    if (rule != null && rule.startsWith("-A ")) {
      List<String> lines = run(target, List.of("iptables-save"), null);
      return new RuleView("iptables-save", target, lines,
          iptablesLine(lines, tableOf(detail), rule));
    }
    if (rule == null && s.kind() == Step.Kind.NETFILTER && detail.contains("POLICY")) {
      List<String> lines = run(target, List.of("iptables-save"), null);
      Matcher m = CHAIN_OF_DETAIL.matcher(detail);
      int at = -1;
      if (m.find()) {
        int start = tableStart(lines, m.group(1));
        at = indexFrom(lines, Math.max(0, start), l -> l.startsWith(":" + m.group(2) + " "));
      }
      return new RuleView("iptables-save", target, lines, at);
    }
    if (rule != null && IPVS_SERVICE.matcher(rule.trim()).matches()) {
      List<String> lines = run(target, List.of("ipvsadm", "-Ln"), null);
      int at = indexFrom(lines, 0, l -> l.trim().equals(rule.trim()));
      if (at >= 0 && s.kind() == Step.Kind.DNAT) {
        String real = "-> " + s.packet().dst() + ":" + s.packet().dport() + " ";
        int r = at + 1;
        while (r < lines.size() && lines.get(r).trim().startsWith("->")) {
          if (lines.get(r).trim().startsWith(real)) {
            at = r;
            break;
          }
          r++;
        }
      }
      return new RuleView("ipvsadm -Ln", target, lines, at);
    }
    if (s.kind() == Step.Kind.ROUTE && rule != null) {
      List<String> lines = run(target, List.of("ip", "route"), null);
      return new RuleView("ip route", target, lines,
          indexFrom(lines, 0, l -> l.trim().equals(rule.trim())));
    }
    if (rule != null && rule.contains(" src=") && rule.contains(" dst=")) {
      List<String> lines = run(target, List.of("conntrack", "-L"), trace);
      int at = indexFrom(lines, 0, l -> l.trim().equals(rule.trim()));
      Matcher tuple = CT_TUPLE.matcher(rule);
      if (at < 0 && tuple.find()) {
        String key = tuple.group();
        at = indexFrom(lines, 0, l -> l.contains(key));
      }
      if (at < 0) {
        return new RuleView("conntrack entry (as it was at this step)", target, List.of(rule),
            0);
      }
      return new RuleView("conntrack -L", target, lines, at);
    }
    if (rule != null && rule.startsWith("ip neigh: ") && rule.contains("; bridge fdb: ")) {
      // VXLAN: the neighbour entry gives the VTEP MAC, the FDB entry the remote node.
      int semi = rule.indexOf("; bridge fdb: ");
      String neigh = rule.substring("ip neigh: ".length(), semi).trim();
      String fdb = rule.substring(semi + "; bridge fdb: ".length()).trim();
      List<String> n = run(target, List.of("ip", "neigh"), null);
      List<String> f = run(target, List.of("bridge", "fdb"), null);
      List<String> lines = new java.util.ArrayList<>();
      lines.add("# ip neigh");
      lines.addAll(n);
      lines.add("# bridge fdb");
      lines.addAll(f);
      int a = indexFrom(lines, 0, l -> l.trim().equals(neigh));
      int b = indexFrom(lines, n.size() + 1, l -> l.trim().equals(fdb));
      return new RuleView("ip neigh; bridge fdb", target, lines, a, b);
    }
    if (rule != null) {
      return new RuleView("(the deciding rule)", target, List.of(rule), 0);
    }
    return RuleView.empty("no rule or route decided this step");
  }

  private static String tableOf(String detail) {
    int sp = detail.indexOf(' ');
    String first = sp < 0 ? detail : detail.substring(0, sp);
    return TABLES.contains(first) ? first : null;
  }

  private static int tableStart(List<String> lines, String table) {
    return table == null ? -1 : lines.indexOf("*" + table);
  }

  /** The rule's exact line, inside its table when the step names one. */
  static int iptablesLine(List<String> lines, String table, String rule) {
    int start = tableStart(lines, table);
    if (start >= 0) {
      for (int i = start + 1; i < lines.size() && !lines.get(i).equals("COMMIT"); i++) {
        if (lines.get(i).equals(rule)) {
          return i;
        }
      }
    }
    return lines.indexOf(rule);
  }

  /** The rule's line inside the chain the step's detail names; the chain's line if not found. */
  static int nftLine(List<String> lines, String detail, String rule) {
    Matcher m = NFT_CHAIN.matcher(detail);
    int chain = -1;
    if (m.find()) {
      String head = "chain " + m.group(1) + " {";
      chain = indexFrom(lines, 0, l -> l.trim().equals(head));
    }
    if (rule == null) {
      return chain;
    }
    String want = rule.trim();
    String firstLine = want.lines().findFirst().orElse(want).trim();
    for (int i = Math.max(0, chain + 1); i < lines.size(); i++) {
      String l = lines.get(i).trim();
      if (chain >= 0 && l.equals("}")) {
        break;
      }
      if (!l.isEmpty() && (l.equals(want) || l.equals(firstLine)
          || (l.endsWith(",") && want.startsWith(l)) || l.startsWith(firstLine + " "))) {
        return i;
      }
    }
    return chain;
  }

  private static int indexFrom(List<String> lines, int from,
      java.util.function.Predicate<String> p) {
    for (int i = from; i < lines.size(); i++) {
      if (p.test(lines.get(i))) {
        return i;
      }
    }
    return -1;
  }

  private List<String> run(String target, List<String> argv, Trace after) {
    String key = target + " " + String.join(" ", argv)
        + (after == null ? "" : "@" + System.identityHashCode(after));
    return cache.computeIfAbsent(key, k -> {
      Shell.Result r = after == null ? sim.exec(target, argv) : sim.exec(after, target, argv);
      String text = r.out().isEmpty() ? r.err() : r.out();
      return text.lines().toList();
    });
  }
}
