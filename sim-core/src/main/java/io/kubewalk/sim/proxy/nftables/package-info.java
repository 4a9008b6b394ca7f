/** kube-proxy's nftables mode: the {@code ip kube-proxy} table (pkg/proxy/nftables/proxier.go), and the service-port/endpoint view shared with the IPVS mode. */
package io.kubewalk.sim.proxy.nftables;
