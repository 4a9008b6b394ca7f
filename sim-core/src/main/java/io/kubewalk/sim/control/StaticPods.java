package io.kubewalk.sim.control;

import io.kubewalk.sim.api.Node;
import io.kubewalk.sim.api.Pod;
import java.util.List;
import java.util.Optional;

/**
 * What kubeadm writes into /etc/kubernetes/manifests for the control-plane static pods: the
 * command line and the liveness probe. The probes are the seed's: etcd's /health on 127.0.0.1:2381
 * over HTTP, the apiserver's /livez on NODE_IP:6443 over HTTPS, the controller-manager's and the
 * scheduler's /healthz on 127.0.0.1:10257 and :10259 over HTTPS.
 */
public final class StaticPods {

  /** A kubelet httpGet liveness probe. */
  public record Probe(String host, String path, int port, String scheme, int initialDelay,
      int timeout, int period, int failureThreshold) {}

  /** One static pod's container. */
  public record Manifest(String component, String image, List<String> command, Probe liveness) {}

  private StaticPods() {}

  public static Optional<Manifest> of(Pod pod, Node node, Cluster c) {
    if (pod.owner() == null || !pod.owner().startsWith("Node/")) {
      return Optional.empty();
    }
    String component = pod.labels().get("component");
    String ip = String.valueOf(node.internalIp());
    String v = c.config().kubernetesVersion();
    return Optional.ofNullable(switch (component == null ? "" : component) {
      case "etcd" -> new Manifest("etcd", "registry.k8s.io/etcd:3.5.15-0", List.of("etcd",
          "--advertise-client-urls=https://" + ip + ":2379",
          "--listen-client-urls=https://127.0.0.1:2379,https://" + ip + ":2379",
          "--listen-metrics-urls=http://127.0.0.1:2381",
          "--listen-peer-urls=https://" + ip + ":2380",
          "--cert-file=/etc/kubernetes/pki/etcd/server.crt",
          "--client-cert-auth=true",
          "--trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt"),
          new Probe("127.0.0.1", "/health?exclude=NOSPACE&serializable=true", 2381, "HTTP", 10,
              15, 10, 8));
      case "kube-apiserver" -> new Manifest("kube-apiserver", "registry.k8s.io/kube-apiserver:"
          + v, apiserverCommand(c, ip), new Probe(ip, "/livez", 6443, "HTTPS", 10, 15, 10, 8));
      case "kube-controller-manager" -> new Manifest("kube-controller-manager",
          "registry.k8s.io/kube-controller-manager:" + v, List.of("kube-controller-manager",
              "--allocate-node-cidrs=true",
              "--bind-address=127.0.0.1",
              "--cluster-cidr=" + c.config().podSubnet(),
              "--kubeconfig=/etc/kubernetes/controller-manager.conf",
              "--node-cidr-mask-size=" + c.config().nodeCidrMaskSize(),
              "--service-cluster-ip-range=" + c.config().serviceSubnet(),
              "--use-service-account-credentials=true"),
          new Probe("127.0.0.1", "/healthz", 10257, "HTTPS", 10, 15, 10, 8));
      case "kube-scheduler" -> new Manifest("kube-scheduler", "registry.k8s.io/kube-scheduler:"
          + v, List.of("kube-scheduler", "--bind-address=127.0.0.1",
              "--kubeconfig=/etc/kubernetes/scheduler.conf", "--leader-elect=true"),
          new Probe("127.0.0.1", "/healthz", 10259, "HTTPS", 10, 15, 10, 8));
      default -> null;
    });
  }

  private static List<String> apiserverCommand(Cluster c, String ip) {
    List<String> cmd = new java.util.ArrayList<>(List.of("kube-apiserver",
        "--advertise-address=" + ip,
        "--allow-privileged=true",
        "--authorization-mode=Node,RBAC",
        "--client-ca-file=/etc/kubernetes/pki/ca.crt",
        "--enable-admission-plugins=NodeRestriction",
        "--etcd-servers=https://127.0.0.1:2379",
        "--kubelet-client-certificate=/etc/kubernetes/pki/apiserver-kubelet-client.crt",
        "--kubelet-client-key=/etc/kubernetes/pki/apiserver-kubelet-client.key",
        "--secure-port=6443",
        "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
        "--service-cluster-ip-range=" + c.config().serviceSubnet(),
        "--service-node-port-range=" + c.config().nodePortRange()));
    if (c.config().kubeletCertificateAuthority() != null) {
      cmd.add("--kubelet-certificate-authority=" + c.config().kubeletCertificateAuthority());
    }
    return cmd;
  }
}
