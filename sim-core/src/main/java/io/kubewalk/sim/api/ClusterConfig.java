package io.kubewalk.sim.api;

import io.kubewalk.sim.net.Cidr;

/**
 * Cluster-wide settings gathered from kind's Cluster, kubeadm's ClusterConfiguration,
 * KubeProxyConfiguration and the kubewalk document.
 *
 * @param flavor "kubeadm" (nodes controlplane, node01...) or "kind" (kind-control-plane, ...)
 * @param nodeCidrMaskSize the controller-manager's --node-cidr-mask-size (24)
 * @param nodePortFrom first port of --service-node-port-range (30000)
 * @param bridgeNfCallIptables net.bridge.bridge-nf-call-iptables on every node (kubeadm requires 1)
 * @param firewallEnabled whether {@code firewall} rules are enforced (deny by default)
 */
public record ClusterConfig(
    String name,
    String flavor,
    String kubernetesVersion,
    Cidr podSubnet,
    Cidr serviceSubnet,
    int nodeCidrMaskSize,
    int nodePortFrom,
    int nodePortTo,
    String dnsDomain,
    ProxyConfig proxy,
    CniConfig cni,
    boolean bridgeNfCallIptables,
    boolean ipForward,
    boolean firewallEnabled,
    String kubeletCertificateAuthority,
    String apiserverTunnel,
    boolean kubeletReadOnlyPort) {

  public static final String DEFAULT_VERSION = "v1.31.0";

  public boolean nodePortInRange(int port) {
    return port >= nodePortFrom && port <= nodePortTo;
  }

  public String nodePortRange() {
    return nodePortFrom + "-" + nodePortTo;
  }
}
