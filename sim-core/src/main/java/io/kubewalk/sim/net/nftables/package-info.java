/** An nftables table model (chains, sets, verdict maps, typed rule expressions), its {@code nft -f} transaction and {@code nft list} renderings, and a packet evaluator. Knows nothing of Kubernetes. */
package io.kubewalk.sim.net.nftables;
