package io.kubewalk.sim.shell.sockets;

import io.kubewalk.sim.api.CniConfig;
import io.kubewalk.sim.api.Node;
import io.kubewalk.sim.api.Service;
import io.kubewalk.sim.control.Cluster;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The processes of a node's host network namespace and the sockets they listen on, as a kubeadm
 * node runs them (the seed's {@code netstat -npl}): etcd on 127.0.0.1:2379, NODE_IP:2379, peer
 * 2380 and 127.0.0.1:2381 for health and metrics; kube-apiserver on *:6443; the scheduler and
 * controller-manager on 127.0.0.1 only; kubelet on *:10250 and 127.0.0.1:10248; kube-proxy on
 * 127.0.0.1:10249 and *:10256, plus the healthCheckNodePort of every Service with
 * externalTrafficPolicy Local (answered on every node: 200 where an endpoint is local, 503 where
 * none is).
 */
public final class NodeProcesses {

  /** A listening socket. {@code address} "*" means every address, IPv4 and IPv6 (Go's ":6443"). */
  public record Listener(String proto, String address, int port, int pid, String program) {}

  private NodeProcesses() {}

  public static List<Listener> listeners(Cluster cluster, Node node) {
    String ip = String.valueOf(node.internalIp());
    List<Listener> l = new ArrayList<>();
    l.add(new Listener("tcp", "127.0.0.53", 53, 578, "systemd-resolve"));
    if (node.isControlPlane()) {
      l.add(new Listener("tcp", "127.0.0.1", 2379, 3251, "etcd"));
      l.add(new Listener("tcp", "127.0.0.1", 2381, 3251, "etcd"));
      l.add(new Listener("tcp", ip, 2379, 3251, "etcd"));
      l.add(new Listener("tcp", ip, 2380, 3251, "etcd"));
    }
    l.add(new Listener("tcp", "127.0.0.1", 10249, 4629, "kube-proxy"));
    l.add(new Listener("tcp", "127.0.0.1", 10248, 4203, "kubelet"));
    if (node.isControlPlane()) {
      l.add(new Listener("tcp", "127.0.0.1", 10259, 3618, "kube-scheduler"));
      l.add(new Listener("tcp", "127.0.0.1", 10257, 3609, "kube-controller-manager"));
    }
    l.add(new Listener("tcp", "127.0.0.1", 39127, 1012, "containerd"));
    CniConfig cni = cluster.config().cni();
    if (cni.plugin() == CniConfig.Plugin.weave && cni.installed()) {
      l.add(new Listener("tcp", "127.0.0.1", 6784, 5120, "weaver"));
      l.add(new Listener("tcp", "*", 6783, 5120, "weaver"));
      l.add(new Listener("tcp", "*", 6782, 5120, "weaver"));
      l.add(new Listener("tcp", "*", 6781, 5188, "weave-npc"));
    }
    if (node.isControlPlane()) {
      l.add(new Listener("tcp", "*", 6443, 3605, "kube-apiserver"));
      if ("konnectivity".equals(cluster.config().apiserverTunnel())) {
        l.add(new Listener("tcp", "*", 8132, 3702, "proxy-server"));
      }
    }
    if ("ssh".equals(cluster.config().apiserverTunnel())) {
      l.add(new Listener("tcp", "0.0.0.0", 22, 701, "sshd"));
    }
    l.add(new Listener("tcp", "*", 10250, 4203, "kubelet"));
    if (cluster.config().kubeletReadOnlyPort()) {
      l.add(new Listener("tcp", "*", 10255, 4203, "kubelet"));
    }
    l.add(new Listener("tcp", "*", 10256, 4629, "kube-proxy"));
    cluster.services().stream().map(Service::healthCheckNodePort).filter(Objects::nonNull)
        .sorted().forEach(hc -> l.add(new Listener("tcp", "*", hc, 4629, "kube-proxy")));
    l.add(new Listener("udp", "127.0.0.53", 53, 578, "systemd-resolve"));
    if (cni.plugin() == CniConfig.Plugin.flannel && "vxlan".equals(cni.backend())
        && cni.installed()) {
      l.add(new Listener("udp", "0.0.0.0", cni.vxlanPort(), 0, "-"));
    }
    return l;
  }
}
