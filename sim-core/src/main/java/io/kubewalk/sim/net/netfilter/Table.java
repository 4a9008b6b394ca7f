package io.kubewalk.sim.net.netfilter;

import java.util.List;
import java.util.Locale;

/**
 * The iptables tables kubewalk models, in the order {@code iptables-save} (nf_tables backend,
 * v1.8.9) prints them: mangle, raw, filter, nat. Each knows its built-in chains in hook order.
 */
public enum Table {
  MANGLE(List.of("PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING")),
  RAW(List.of("PREROUTING", "OUTPUT")),
  FILTER(List.of("INPUT", "FORWARD", "OUTPUT")),
  NAT(List.of("PREROUTING", "INPUT", "OUTPUT", "POSTROUTING"));

  private final List<String> builtins;

  Table(List<String> builtins) {
    this.builtins = builtins;
  }

  public List<String> builtinChains() {
    return builtins;
  }

  public boolean isBuiltin(String chain) {
    return builtins.contains(chain);
  }

  /** The name as iptables prints it: {@code nat}. */
  public String lower() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Table parse(String name) {
    for (Table t : values()) {
      if (t.lower().equals(name)) {
        return t;
      }
    }
    throw new IllegalArgumentException(
        "unknown table '" + name + "' (expected mangle, raw, filter or nat)");
  }
}
