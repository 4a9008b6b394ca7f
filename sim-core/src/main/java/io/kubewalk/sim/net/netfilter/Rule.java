package io.kubewalk.sim.net.netfilter;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * One rule of a chain: matches (basic ones first in iptables' print order, then extension
 * matches in the order given) and a target. {@link #toString()} is the exact {@code
 * iptables-save} line, e.g. {@code -A KUBE-SERVICES -d 10.96.0.1/32 -p tcp -m comment --comment
 * "default/kubernetes:https cluster IP" -m tcp --dport 443 -j KUBE-SVC-NPX46M4PTMTKRN6Y}.
 */
public record Rule(String chain, List<Match> matches, Target target) {

  public Rule {
    if (chain == null || chain.isEmpty()) {
      throw new IllegalArgumentException("rule without chain");
    }
    List<Match> basic = new ArrayList<>();
    List<Match> ext = new ArrayList<>();
    for (Match m : matches) {
      (m.basic() ? basic : ext).add(m);
    }
    basic.sort(Comparator.comparingInt(Match::basicOrder));
    List<Match> all = new ArrayList<>(basic);
    all.addAll(ext);
    matches = List.copyOf(all);
    target = target == null ? new Target.None() : target;
  }

  /** The rule text without the {@code -A CHAIN} prefix. */
  public String spec() {
    StringBuilder b = new StringBuilder();
    for (Match m : matches) {
      if (b.length() > 0) {
        b.append(' ');
      }
      b.append(m.save());
    }
    String t = target.save();
    if (!t.isEmpty()) {
      if (b.length() > 0) {
        b.append(' ');
      }
      b.append(t);
    }
    return b.toString();
  }

  @Override
  public String toString() {
    String s = spec();
    return "-A " + chain + (s.isEmpty() ? "" : " " + s);
  }

  public <M extends Match> M find(Class<M> type) {
    for (Match m : matches) {
      if (type.isInstance(m)) {
        return type.cast(m);
      }
    }
    return null;
  }
}
