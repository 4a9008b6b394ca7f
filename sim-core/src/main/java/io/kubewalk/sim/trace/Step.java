package io.kubewalk.sim.trace;

import io.kubewalk.sim.net.Packet;

/**
 * One thing that happened to the packet, where it happened, and the packet as it left the step.
 * The flat step list is what {@code trace --json} prints; hops (per namespace) are derived from it.
 *
 * @param rule the exact rule or route text that decided, or null
 * @param ct the conntrack state the packet had at this step (NEW, ESTABLISHED, RELATED, DNAT,
 *     SNAT) or null
 */
public record Step(
    int index,
    String node,
    String netns,
    String device,
    Kind kind,
    String detail,
    String rule,
    Packet packet,
    String ct) {

  /** What kind of thing happened. */
  public enum Kind {
    SEND,
    ROUTE,
    BRIDGE,
    VETH,
    WIRE,
    NETFILTER,
    DNAT,
    SNAT,
    ENCAP,
    DECAP,
    IPVS,
    NFT,
    CONNTRACK,
    FIREWALL,
    DNS,
    DELIVER,
    REJECT,
    DROP
  }
}
