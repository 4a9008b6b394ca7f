package io.kubewalk.sim.control;

import io.kubewalk.sim.net.Cidr;
import io.kubewalk.sim.net.Ip;

/**
 * The pod address space the CNI plugin's IPAM gives one node.
 *
 * @param range host-local: the node's podCIDR; weave: the /16 ipalloc-range (pods on every node
 *     share it); calico: the node's block
 * @param first first address of this node's share (weave: where its portion of the ring starts)
 * @param gateway the address on the node side (cni0's or weave's address) that pods route through;
 *     null for routed plugins without a bridge (calico)
 */
public record NodeNetwork(Cidr range, Ip first, Ip gateway) {}
