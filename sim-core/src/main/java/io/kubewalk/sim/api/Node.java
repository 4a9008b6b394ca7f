package io.kubewalk.sim.api;

import io.kubewalk.sim.net.Cidr;
import io.kubewalk.sim.net.IfAddr;
import io.kubewalk.sim.net.Ip;
import java.util.List;
import java.util.Map;

/**
 * A node. {@code addresses} are the node's interface addresses in interface order (eth0, eth1,
 * ...), the first being the InternalIP; {@code gateway} is the default route's next hop (the
 * device is the one whose subnet holds it, else eth0 with an on-link route as on GCP); {@code mtu}
 * is eth0's MTU. {@code name}, {@code addresses} and {@code podCidr} may be null or empty in a
 * scenario as declared; the control plane fills them in.
 */
public record Node(
    String name,
    Role role,
    List<IfAddr> addresses,
    Cidr podCidr,
    Map<String, String> labels,
    List<Taint> taints,
    Ip gateway,
    int mtu) {

  public enum Role {
    CONTROL_PLANE,
    WORKER
  }

  public Node {
    addresses = List.copyOf(addresses);
    labels = Map.copyOf(labels);
    taints = List.copyOf(taints);
  }

  public Ip internalIp() {
    return addresses.isEmpty() ? null : addresses.get(0).ip();
  }

  public boolean isControlPlane() {
    return role == Role.CONTROL_PLANE;
  }

  public Node withPodCidr(Cidr cidr) {
    return new Node(name, role, addresses, cidr, labels, taints, gateway, mtu);
  }

  public Node withAddresses(List<IfAddr> addrs, Ip gw) {
    return new Node(name, role, addrs, podCidr, labels, taints, gw, mtu);
  }
}
