package io.kubewalk.sim.net.nftables;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One nftables table (kube-proxy uses {@code ip kube-proxy}): its sets and maps and its chains, in
 * creation order. Renders the {@code nft -f} transaction ({@link #transaction()}) and the {@code nft
 * list table} text ({@link #list()}).
 */
public final class NftTable {

  private final String family;
  private final String name;
  private final String comment;
  private final Map<String, NftSet> sets = new LinkedHashMap<>();
  private final Map<String, NftChain> chains = new LinkedHashMap<>();

  public NftTable(String family, String name, String comment) {
    this.family = family;
    this.name = name;
    this.comment = comment;
  }

  public String family() {
    return family;
  }

  public String name() {
    return name;
  }

  public String comment() {
    return comment;
  }

  /** Adds a chain, or returns the existing one of that name. */
  public NftChain chain(String chainName, NftChain.Base base, String chainComment) {
    return chains.computeIfAbsent(chainName, n -> new NftChain(n, base, chainComment));
  }

  public NftChain chain(String chainName) {
    return chain(chainName, null, null);
  }

  public NftSet addSet(NftSet set) {
    NftSet old = sets.putIfAbsent(set.name(), set);
    return old == null ? set : old;
  }

  public NftChain findChain(String chainName) {
    return chains.get(chainName);
  }

  public NftSet findSet(String setName) {
    return sets.get(setName);
  }

  public List<NftChain> chains() {
    return List.copyOf(chains.values());
  }

  public List<NftSet> sets() {
    return List.copyOf(sets.values());
  }

  private String prefix() {
    return family + " " + name;
  }

  /**
   * The table as one {@code nft -f} transaction: table, sets and maps, chains, rules, elements (in
   * that order, so that every referenced chain or set exists before it is used).
   */
  public String transaction() {
    StringBuilder b = new StringBuilder();
    b.append("add table ").append(prefix());
    if (comment != null) {
      b.append(" { comment \"").append(comment).append("\" ; }");
    }
    b.append('\n');
    for (NftSet s : sets.values()) {
      b.append(s.addLine(family, name)).append('\n');
    }
    for (NftChain c : chains.values()) {
      b.append(c.addLine(family, name)).append('\n');
    }
    for (NftChain c : chains.values()) {
      for (NftRule r : c.rules()) {
        b.append("add rule ").append(prefix()).append(' ').append(c.name()).append(' ')
            .append(r.text()).append('\n');
      }
    }
    for (NftSet s : sets.values()) {
      for (NftSet.Element e : s.elements()) {
        b.append("add element ").append(prefix()).append(' ').append(s.name()).append(" { ")
            .append(e.text()).append(" }\n");
      }
    }
    return b.toString();
  }

  /** {@code nft list table ip kube-proxy} as nft 1.0.6 prints it. */
  public String list() {
    List<String> blocks = new ArrayList<>();
    for (NftSet s : sets.values()) {
      blocks.add(listSet(s));
    }
    for (NftChain c : chains.values()) {
      blocks.add(listChain(c));
    }
    StringBuilder b = new StringBuilder("table ").append(prefix()).append(" {\n");
    if (comment != null) {
      b.append("\tcomment \"").append(comment).append("\"\n");
    }
    b.append(String.join("\n", blocks));
    return b.append("}\n").toString();
  }

  private static String listSet(NftSet s) {
    StringBuilder b = new StringBuilder();
    b.append('\t').append(s.isMap() ? "map " : "set ").append(s.name()).append(" {\n");
    b.append("\t\ttype ").append(s.type()).append('\n');
    if (s.flags().contains("dynamic")) {
      b.append("\t\tsize 65535\n");
    }
    if (!s.flags().isEmpty()) {
      b.append("\t\tflags ").append(String.join(",", s.flags())).append('\n');
    }
    if (s.timeoutSeconds() != null) {
      b.append("\t\ttimeout ").append(duration(s.timeoutSeconds())).append('\n');
    }
    if (s.comment() != null) {
      b.append("\t\tcomment \"").append(s.comment()).append("\"\n");
    }
    List<NftSet.Element> els = new ArrayList<>(s.elements());
    if (!els.isEmpty()) {
      els.sort(Comparator.comparing(NftSet.Element::keyText, NftTable::compareKeys));
      // nft's calculate_delim(): ipv4_addr keys two per line, concatenations one per line.
      int perLine = s.type().equals("ipv4_addr") ? 2 : 1;
      b.append("\t\telements = { ");
      for (int i = 0; i < els.size(); i++) {
        if (i > 0) {
          b.append(i % perLine == 0 ? ",\n\t\t\t     " : ", ");
        }
        b.append(els.get(i).text());
      }
      b.append(" }\n");
    }
    return b.append("\t}\n").toString();
  }

  private static String listChain(NftChain c) {
    StringBuilder b = new StringBuilder();
    b.append("\tchain ").append(c.name()).append(" {\n");
    if (c.base() != null) {
      b.append("\t\ttype ").append(c.base().type()).append(" hook ").append(c.base().hook())
          .append(" priority ").append(c.base().listPriority()).append("; policy accept;\n");
    }
    if (c.comment() != null) {
      b.append("\t\tcomment \"").append(c.comment()).append("\"\n");
    }
    for (NftRule r : c.rules()) {
      b.append("\t\t").append(r.listText()).append('\n');
    }
    return b.append("\t}\n").toString();
  }

  /** nft's time format: 10800 seconds print as {@code 3h}, 90 as {@code 1m30s}. */
  static String duration(int seconds) {
    if (seconds == 0) {
      return "0s";
    }
    StringBuilder b = new StringBuilder();
    int d = seconds / 86400;
    int h = seconds % 86400 / 3600;
    int m = seconds % 3600 / 60;
    int s = seconds % 60;
    if (d > 0) {
      b.append(d).append('d');
    }
    if (h > 0) {
      b.append(h).append('h');
    }
    if (m > 0) {
      b.append(m).append('m');
    }
    if (s > 0) {
      b.append(s).append('s');
    }
    return b.toString();
  }

  /** Orders keys part by part, numerically where both parts are numbers or IPv4 addresses. */
  static int compareKeys(String a, String b) {
    String[] pa = a.split(" \\. ");
    String[] pb = b.split(" \\. ");
    for (int i = 0; i < Math.min(pa.length, pb.length); i++) {
      int c = Long.compare(numeric(pa[i]), numeric(pb[i]));
      if (c == 0) {
        c = pa[i].compareTo(pb[i]);
      }
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(pa.length, pb.length);
  }

  private static long numeric(String s) {
    if (s.matches("\\d+")) {
      return Long.parseLong(s);
    }
    if (s.matches("\\d+\\.\\d+\\.\\d+\\.\\d+")) {
      long v = 0;
      for (String o : s.split("\\.")) {
        v = v * 256 + Long.parseLong(o);
      }
      return v;
    }
    return Long.MAX_VALUE;
  }
}
