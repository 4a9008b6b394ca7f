package io.kubewalk.sim.net.ns;

import io.kubewalk.sim.net.Cidr;
import io.kubewalk.sim.net.Ip;

/**
 * A route as {@code ip route} shows it. {@code type} is unicast or local; {@code table} main or
 * local; {@code proto} kernel, boot, bird, ... (null when the tool that added it gave none).
 */
public record Route(
    Cidr dst,
    String type,
    Ip via,
    Link dev,
    String proto,
    String scope,
    Ip src,
    boolean onlink,
    String table,
    int metric) {

  /** The text {@code ip route} prints for this route (main table form, no trailing space). */
  public String text() {
    StringBuilder sb = new StringBuilder();
    if (table.equals("local")) {
      sb.append(type).append(' ').append(dst.prefix() == 32 ? dst.network() : dst).append(" dev ")
          .append(dev.name()).append(" proto ").append(proto).append(" scope ").append(scope)
          .append(" src ").append(src);
      return sb.toString();
    }
    sb.append(dst.prefix() == 0 ? "default" : dst.prefix() == 32 ? dst.network().toString()
        : dst.toString());
    if (via != null) {
      sb.append(" via ").append(via);
    }
    sb.append(" dev ").append(dev.name());
    if (proto != null && !proto.equals("boot")) {
      sb.append(" proto ").append(proto);
    }
    if (!scope.equals("global")) {
      sb.append(" scope ").append(scope);
    }
    if (src != null) {
      sb.append(" src ").append(src);
    }
    if (metric != 0) {
      sb.append(" metric ").append(metric);
    }
    if (onlink) {
      sb.append(" onlink");
    }
    return sb.toString();
  }

  @Override
  public String toString() {
    return text();
  }
}
