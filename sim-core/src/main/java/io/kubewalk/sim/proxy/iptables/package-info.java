/**
 * kube-proxy's iptables mode as release 1.31 writes it ({@link
 * io.kubewalk.sim.proxy.iptables.IptablesProxier}), its hashed chain names ({@link
 * io.kubewalk.sim.proxy.iptables.ChainNames}) and kubelet's static rules ({@link
 * io.kubewalk.sim.proxy.iptables.KubeletRules}).
 */
package io.kubewalk.sim.proxy.iptables;
