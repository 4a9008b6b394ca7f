package io.kubewalk.sim.proxy.iptables;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Upstream's sortIPTablesRules (pkg/proxy/iptables/proxier_test.go): tables by name, chains with
 * KUBE-NODEPORTS, KUBE-SERVICES first, then KUBE-* alphabetically, then the rest; each chain's
 * rules after its declaration block in chain order; KUBE-NODEPORTS and KUBE-SERVICES rules
 * stable-sorted by the service name in their comment (the "must be the last rule" rule last).
 * Rule lines are kept verbatim, as upstream's dump keeps the raw text.
 */
final class UpstreamSort {

  private UpstreamSort() {}

  static String sort(String data) {
    Map<String, List<String>> tables = new java.util.TreeMap<>();
    Map<String, Map<String, List<String>>> rules = new LinkedHashMap<>();
    String table = null;
    for (String line : data.split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      if (line.startsWith("*")) {
        table = line.substring(1);
        tables.put(table, new ArrayList<>());
        rules.put(table, new LinkedHashMap<>());
      } else if (line.startsWith(":")) {
        String chain = line.substring(1).split(" ")[0];
        tables.get(table).add(line);
        rules.get(table).putIfAbsent(chain, new ArrayList<>());
      } else if (line.startsWith("-A ")) {
        String chain = line.split(" ")[1];
        rules.get(table).computeIfAbsent(chain, k -> new ArrayList<>()).add(line);
      }
    }
    StringBuilder b = new StringBuilder();
    for (Map.Entry<String, List<String>> t : tables.entrySet()) {
      List<String> decls = new ArrayList<>(t.getValue());
      decls.sort(Comparator.comparing(UpstreamSort::rank).thenComparing(d -> name(d)));
      b.append('*').append(t.getKey()).append('\n');
      decls.forEach(d -> b.append(d).append('\n'));
      for (String d : decls) {
        List<String> rs = new ArrayList<>(rules.get(t.getKey()).get(name(d)));
        if (name(d).equals("KUBE-NODEPORTS") || name(d).equals("KUBE-SERVICES")) {
          rs.sort(Comparator.comparing((String r) -> r.contains("must be the last rule") ? 1 : 0)
              .thenComparing(UpstreamSort::serviceName));
        }
        rs.forEach(r -> b.append(r).append('\n'));
      }
      b.append("COMMIT\n");
    }
    return b.toString();
  }

  private static String name(String decl) {
    return decl.substring(1).split(" ")[0];
  }

  private static int rank(String decl) {
    String n = name(decl);
    return n.equals("KUBE-NODEPORTS") ? 0 : n.equals("KUBE-SERVICES") ? 1
        : n.startsWith("KUBE-") ? 2 : 3;
  }

  /** The comment up to the first space or colon ("" when there is no comment). */
  private static String serviceName(String rule) {
    int i = rule.indexOf("--comment ");
    if (i < 0) {
      return "";
    }
    String c = rule.substring(i + 10);
    if (c.startsWith("\"")) {
      c = c.substring(1);
    }
    int j = 0;
    while (j < c.length() && c.charAt(j) != ' ' && c.charAt(j) != ':' && c.charAt(j) != '"') {
      j++;
    }
    return c.substring(0, j);
  }
}
