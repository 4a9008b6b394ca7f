package io.kubewalk.sim.api;

import io.kubewalk.sim.net.Cidr;
import io.kubewalk.sim.net.Protocol;
import java.util.List;

/**
 * A cloud (VPC) or node firewall rule, like the GKE rules of the seed. Rules are evaluated in
 * {@code priority} order (lower first); an ingress packet no rule allows is denied when the
 * scenario's firewall is enabled.
 *
 * @param nodes the nodes the rule applies to; empty means every node
 * @param portFrom first port; 0 with portTo 0 means all ports
 */
public record FirewallRule(
    String name,
    int priority,
    Action action,
    List<Cidr> sources,
    Protocol protocol,
    int portFrom,
    int portTo,
    List<String> nodes) {

  public enum Action {
    allow,
    deny
  }

  public FirewallRule {
    sources = List.copyOf(sources);
    nodes = List.copyOf(nodes);
  }

  public boolean matchesPort(int port) {
    return (portFrom == 0 && portTo == 0) || (port >= portFrom && port <= portTo);
  }
}
