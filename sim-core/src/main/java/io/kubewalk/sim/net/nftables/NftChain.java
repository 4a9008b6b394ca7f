package io.kubewalk.sim.net.nftables;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A chain; {@code base} is null for a regular chain. Mutable while a proxier builds it, like a
 * knftables transaction; {@link NftTable} hands out read-only views.
 */
public final class NftChain {

  /** A base chain's type, hook and numeric priority. */
  public record Base(String type, String hook, int priority) {

    /**
     * The priority as nft 1.0.6 prints it for the ip family: the standard names (filter 0, dstnat
     * -100 on prerouting, srcnat 100 on postrouting) with an offset, a plain number otherwise.
     */
    public String listPriority() {
      String name = null;
      int base = 0;
      if (priority >= -10 && priority <= 10 && type.equals("filter")) {
        name = "filter";
        base = 0;
      }
      if (hook.equals("prerouting") && Math.abs(priority + 100) <= 10) {
        name = "dstnat";
        base = -100;
      }
      if (hook.equals("postrouting") && Math.abs(priority - 100) <= 10) {
        name = "srcnat";
        base = 100;
      }
      if (name == null) {
        return Integer.toString(priority);
      }
      int off = priority - base;
      return off == 0 ? name : name + (off > 0 ? " + " : " - ") + Math.abs(off);
    }
  }

  private final String name;
  private final Base base;
  private final String comment;
  private final List<NftRule> rules = new ArrayList<>();

  public NftChain(String name, Base base, String comment) {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("chain needs a name");
    }
    this.name = name;
    this.base = base;
    this.comment = comment;
  }

  public String name() {
    return name;
  }

  public Base base() {
    return base;
  }

  public String comment() {
    return comment;
  }

  public List<NftRule> rules() {
    return List.copyOf(rules);
  }

  public void add(NftRule rule) {
    rules.add(rule);
  }

  /** The {@code add chain} line as kube-proxy writes it (without a trailing newline). */
  public String addLine(String family, String table) {
    StringBuilder b = new StringBuilder("add chain " + family + " " + table + " " + name);
    if (base != null) {
      b.append(String.format(Locale.ROOT, " { type %s hook %s priority %d ; }",
          base.type(), base.hook(), base.priority()));
    } else if (comment != null) {
      b.append(" { comment \"").append(comment).append("\" ; }");
    }
    return b.toString();
  }
}
