package io.kubewalk.sim.net.netfilter;

import java.util.List;

/**
 * A chain: {@code policy} is ACCEPT or DROP for a built-in chain and null for a user chain.
 */
public record Chain(String name, String policy, List<Rule> rules) {

  public Chain {
    if (name == null || name.isEmpty() || name.length() > 28) {
      throw new IllegalArgumentException("bad chain name '" + name + "' (1-28 characters)");
    }
    if (policy != null && !policy.equals("ACCEPT") && !policy.equals("DROP")) {
      throw new IllegalArgumentException("bad policy " + policy + " (expected ACCEPT or DROP)");
    }
    rules = List.copyOf(rules);
    for (Rule r : rules) {
      if (!r.chain().equals(name)) {
        throw new IllegalArgumentException("rule " + r + " is not in chain " + name);
      }
    }
  }

  public boolean builtin() {
    return policy != null;
  }
}
