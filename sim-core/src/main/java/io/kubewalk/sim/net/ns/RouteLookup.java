package io.kubewalk.sim.net.ns;

import io.kubewalk.sim.net.Ip;

/**
 * The result of a route lookup and why: the matched route (or none), the output device, the next
 * hop (the gateway, or the destination itself when on-link) and the preferred source address.
 */
public record RouteLookup(Ip dst, Route route, Link dev, Ip nextHop, Ip src, String type) {

  public boolean found() {
    return route != null || type.equals("local");
  }

  public boolean isLocal() {
    return type.equals("local");
  }

  /** One sentence for a trace step. */
  public String explain() {
    if (isLocal()) {
      return dst + " is a local address (table local)";
    }
    if (route == null) {
      return "no route to " + dst + " (no entry in table main matches, not even a default)";
    }
    String match = route.dst().prefix() == 0 ? "the default route"
        : route.dst() + " (longest prefix /" + route.dst().prefix() + ")";
    return dst + " matches " + match + ": "
        + (route.via() != null ? "next hop " + route.via() : "directly connected")
        + " on " + dev.name();
  }
}
