/** kube-proxy's IPVS mode: virtual servers, the kube-ipvs0 addresses, the KUBE-* ipsets and the short iptables chains that use them (pkg/proxy/ipvs/proxier.go). */
package io.kubewalk.sim.proxy.ipvs;
