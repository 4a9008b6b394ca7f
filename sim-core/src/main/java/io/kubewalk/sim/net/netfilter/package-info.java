/**
 * Netfilter as iptables shows it: tables ({@link io.kubewalk.sim.net.netfilter.Table}), chains
 * with policies, typed rules whose {@code toString()} is the exact {@code iptables-save} line;
 * a parser for iptables-save / kube-proxy restore text ({@link
 * io.kubewalk.sim.net.netfilter.IptablesRestore}); renderers for {@code iptables-save} and
 * {@code iptables -L -n -v}; and the evaluator that walks chains for a packet and explains each
 * step ({@link io.kubewalk.sim.net.netfilter.NetfilterEvaluator}). Knows nothing of Kubernetes.
 *
 * <pre>
 *  in -> PREROUTING (raw, mangle, nat) -> route -+-> INPUT (mangle, filter, nat) -> socket
 *                                                +-> FORWARD (mangle, filter) -+
 *  socket -> OUTPUT (raw, mangle, nat, filter) -> route ---------------------+-> POSTROUTING
 *                                                                               (mangle, nat) -> out
 * </pre>
 */
package io.kubewalk.sim.net.netfilter;
