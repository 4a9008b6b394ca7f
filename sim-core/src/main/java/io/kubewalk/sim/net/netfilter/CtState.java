package io.kubewalk.sim.net.netfilter;

/** Conntrack states as {@code -m conntrack --ctstate} names them, in the order iptables prints. */
public enum CtState {
  INVALID,
  NEW,
  RELATED,
  ESTABLISHED,
  UNTRACKED,
  SNAT,
  DNAT
}
