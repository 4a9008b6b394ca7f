package io.kubewalk.sim.net.netfilter;

import io.kubewalk.sim.net.Packet;
import java.util.List;

/**
 * What walking a table's chain did to a packet.
 *
 * @param verdict the decision (RETURN when a user chain was entered directly and fell off its end)
 * @param packet the packet afterwards: mark changes and DNAT applied
 * @param nat the NAT target that decided, or null (DNAT is already applied to {@code packet}; SNAT
 *     and MASQUERADE are left to the caller, who knows the outgoing address)
 * @param steps every rule that matched, plus the policy when it decided
 * @param rulesEvaluated every rule whose matches were tested (the per-packet cost)
 * @param probability the probability of the random choices taken on this path (1 when none)
 * @param recent the recent lists after this path (the context's own, updated in place)
 */
public record TraversalResult(
    Verdict verdict,
    Packet packet,
    Target nat,
    List<NetfilterStep> steps,
    int rulesEvaluated,
    double probability,
    RecentLists recent) {

  public enum Verdict {
    ACCEPT,
    DROP,
    REJECT,
    RETURN
  }

  public TraversalResult {
    steps = List.copyOf(steps);
  }

  public boolean dnat() {
    return nat instanceof Target.Dnat;
  }
}
