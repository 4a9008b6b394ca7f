package io.kubewalk.sim.api;

import io.kubewalk.sim.net.Cidr;

/**
 * The pod network: which CNI plugin wires pods and how.
 *
 * @param backend flannel: "vxlan" (default) or "host-gw"; calico: "ipip" or "direct"
 * @param ipallocRange weave's ipalloc-range (defaults to the pod subnet)
 * @param installed false when the plugin's manifest was never applied (kind's
 *     disableDefaultCNI, or weave not applied as in the seed): pods stay ContainerCreating
 * @param mtu MTU of the pod interfaces and bridge; 0 means the plugin's default
 */
public record CniConfig(Plugin plugin, String backend, Cidr ipallocRange, boolean installed,
    int mtu, int vni, int vxlanPort) {

  public enum Plugin {
    flannel,
    weave,
    calico,
    bridge,
    kindnet,
    none
  }
}
