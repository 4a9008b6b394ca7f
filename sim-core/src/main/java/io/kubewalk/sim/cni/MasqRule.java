package io.kubewalk.sim.cni;

import io.kubewalk.sim.net.Cidr;
import io.kubewalk.sim.net.Ip;

/**
 * One of the nat POSTROUTING rules a CNI plugin installs for traffic leaving the pod network
 * (flannel's FLANNEL-POSTRTG, weave's WEAVE, calico's cali-nat-outgoing): source and destination
 * matches, each possibly negated, and RETURN or MASQUERADE. {@code text} is the rule exactly as
 * {@code iptables-save} prints it.
 */
public record MasqRule(Cidr src, boolean notSrc, Cidr dst, boolean notDst, boolean masquerade,
    String text) {

  public boolean matches(Ip s, Ip d) {
    return (src == null || src.contains(s) != notSrc) && (dst == null || dst.contains(d) != notDst);
  }
}
