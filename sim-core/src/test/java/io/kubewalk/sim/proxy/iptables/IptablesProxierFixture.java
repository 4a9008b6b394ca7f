package io.kubewalk.sim.proxy.iptables;

import io.kubewalk.sim.net.netfilter.NetfilterTables;

/** Public access to the upstream-derived node ruleset for tests in other packages. */
public final class IptablesProxierFixture {

  private IptablesProxierFixture() {}

  /** kubelet's rules plus kube-proxy's sync of upstream's TestOverallIPTablesRules input. */
  public static NetfilterTables overallNode() {
    return new IptablesProxier().sync(KubeletRules.apply(NetfilterTables.empty()),
        Fixtures.overall());
  }
}
