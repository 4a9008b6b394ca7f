package io.kubewalk.sim.proxy;

import io.kubewalk.sim.api.EndpointSlice;
import io.kubewalk.sim.api.ProxyConfig;
import io.kubewalk.sim.api.Service;
import io.kubewalk.sim.net.Cidr;
import io.kubewalk.sim.net.Ip;
import java.util.List;

/**
 * What kube-proxy on one node sees: its node, its configuration, and the Services and
 * EndpointSlices it watches. An endpoint is local when its {@code nodeName} is {@code nodeName}.
 *
 * @param nodeIps every address of the node (InternalIP first), as kube-proxy finds them for
 *     NodePorts
 * @param podCidr the node's podCIDR (used by {@code detectLocalMode: NodeCIDR}), may be null
 */
public record ProxyInput(
    String nodeName,
    List<Ip> nodeIps,
    Cidr podCidr,
    ProxyConfig config,
    List<Service> services,
    List<EndpointSlice> endpointSlices) {

  public ProxyInput {
    nodeIps = List.copyOf(nodeIps);
    services = List.copyOf(services);
    endpointSlices = List.copyOf(endpointSlices);
  }
}
