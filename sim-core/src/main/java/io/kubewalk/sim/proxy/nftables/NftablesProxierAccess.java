package io.kubewalk.sim.proxy.nftables;

import io.kubewalk.sim.net.Cidr;
import io.kubewalk.sim.proxy.ProxyInput;

/** kube-proxy's local-traffic detector choice, shared with the IPVS mode. */
public final class NftablesProxierAccess {

  private NftablesProxierAccess() {}

  /** The CIDR {@code detectLocalMode} selects (ClusterCIDR or NodeCIDR), or null. */
  public static Cidr localCidr(ProxyInput in) {
    return NftablesProxier.localCidr(in.config(), in);
  }
}
