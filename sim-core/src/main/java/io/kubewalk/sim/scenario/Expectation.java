package io.kubewalk.sim.scenario;

import java.util.List;

/**
 * One flow of a kubewalk {@code Expectations} document and what must happen to it: an exercise's
 * answer or a course's regression check, run by {@code kubewalk test}. Null fields are not
 * checked.
 *
 * @param from a {@code --from} form; {@code enter} the {@code --enter node/NAME} for ip/ sources
 * @param proxyMode iptables, ipvs or nftables to override the scenario's kube-proxy mode
 * @param verdict DELIVERED, REJECTED, DROPPED, NO_ROUTE or TTL_EXCEEDED
 * @param servedBy who must serve over the seeds tried: {@code ns/pod}, {@code node:NAME} or
 *     {@code external:NAME}; every one must serve and nobody else
 * @param sourceSeen {@code client} (the sender's own address), {@code node} (an address of a
 *     node) or an IP address
 * @param rule text that some step's rule must contain (a chain name, a rule fragment)
 * @param visits namespaces ({@code node/netns}) the packet must pass in this order
 * @param reply the verdict of the reply (implies tracing it)
 */
public record Expectation(
    String name,
    Location location,
    String from,
    String enter,
    String to,
    String proxyMode,
    String verdict,
    List<String> servedBy,
    String sourceSeen,
    Boolean masqueraded,
    String rule,
    List<String> visits,
    String reply) {

  public Expectation {
    servedBy = servedBy == null ? null : List.copyOf(servedBy);
    visits = visits == null ? null : List.copyOf(visits);
  }
}
