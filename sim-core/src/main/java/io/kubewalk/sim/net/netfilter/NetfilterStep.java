package io.kubewalk.sim.net.netfilter;

import io.kubewalk.sim.net.Packet;

/**
 * One explanation step of a traversal: a rule that matched (and what its target did), or a
 * built-in chain's policy deciding ({@code rule} null, {@code ruleNumber} 0, {@code target} like
 * {@code DEFAULT POLICY => ACCEPT}), with the packet as the rule's target left it (mark set,
 * DNAT applied).
 */
public record NetfilterStep(Table table, String chain, int ruleNumber, String rule, String target,
    Packet packet) {

  public boolean policy() {
    return rule == null;
  }

  @Override
  public String toString() {
    return table.lower() + " " + chain + (policy() ? "" : " #" + ruleNumber + " " + rule)
        + " => " + target;
  }
}
