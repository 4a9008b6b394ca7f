package io.kubewalk.sim.api;

import io.kubewalk.sim.net.Cidr;
import java.util.List;

/**
 * The KubeProxyConfiguration fields kubewalk models, with kube-proxy's defaults where a field is
 * absent (see {@link #defaults()}).
 *
 * @param clusterCidr null means no traffic counts as local for {@code detectLocalMode: ClusterCIDR}
 * @param nodePortAddresses empty means every local address (kube-proxy's {@code nodePortAddresses}
 *     unset); the special value "primary" is kept as a one-element list ["primary"]
 */
public record ProxyConfig(
    Mode mode,
    Cidr clusterCidr,
    boolean masqueradeAll,
    String detectLocalMode,
    List<String> nodePortAddresses,
    int masqueradeBit,
    boolean localhostNodePorts,
    String ipvsScheduler) {

  public enum Mode {
    iptables,
    ipvs,
    nftables;

    public static Mode parse(String text) {
      for (Mode m : values()) {
        if (m.name().equals(text)) {
          return m;
        }
      }
      throw new IllegalArgumentException(
          "unknown kube-proxy mode '" + text + "' (expected iptables, ipvs or nftables)");
    }
  }

  public ProxyConfig {
    nodePortAddresses = List.copyOf(nodePortAddresses);
  }

  public static ProxyConfig defaults() {
    return new ProxyConfig(Mode.iptables, null, false, "ClusterCIDR", List.of(), 14, true, "rr");
  }

  /** The masquerade mark, {@code 1 << masqueradeBit}: 0x4000 by default. */
  public int masqueradeMark() {
    return 1 << masqueradeBit;
  }

  public ProxyConfig withMode(Mode m) {
    return new ProxyConfig(m, clusterCidr, masqueradeAll, detectLocalMode, nodePortAddresses,
        masqueradeBit, localhostNodePorts, ipvsScheduler);
  }

  public ProxyConfig withClusterCidr(Cidr c) {
    return new ProxyConfig(mode, c, masqueradeAll, detectLocalMode, nodePortAddresses,
        masqueradeBit, localhostNodePorts, ipvsScheduler);
  }
}
