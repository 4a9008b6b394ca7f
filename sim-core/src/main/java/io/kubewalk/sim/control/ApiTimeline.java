package io.kubewalk.sim.control;

import io.kubewalk.sim.api.Node;
import io.kubewalk.sim.api.Pod;
import java.util.ArrayList;
import java.util.List;

/**
 * The hub-and-spoke API traffic of a {@code kubectl apply}: who dials whom, on which port, over
 * which transport, with which credential. Every component talks only to the kube-apiserver on
 * 6443; only the apiserver talks to etcd (2379, mutual TLS); the apiserver dials the kubelet on
 * 10250 for logs, exec and port-forward. The calls follow the objects the scenario declares.
 */
public final class ApiTimeline {

  /**
   * One API call.
   *
   * @param from the dialing component, e.g. {@code kube-scheduler@controlplane}
   * @param to the component dialed, e.g. {@code kube-apiserver@controlplane}
   * @param credential what the caller proves itself with
   */
  public record ApiCall(
      int seq,
      String from,
      String fromIp,
      String to,
      String toIp,
      int port,
      String protocol,
      String verb,
      String resource,
      String credential,
      String note) {}

  private ApiTimeline() {}

  public static List<ApiCall> of(Cluster c) {
    Node cp = c.nodes().stream().filter(Node::isControlPlane).findFirst()
        .orElse(c.nodes().get(0));
    String api = "kube-apiserver@" + cp.name();
    String apiIp = String.valueOf(cp.internalIp());
    String etcd = "etcd@" + cp.name();
    List<ApiCall> calls = new ArrayList<>();
    Applied applied = applied(c);
    String ns = applied.namespace();
    String name = applied.name();
    String kind = applied.kind();
    List<Pod> pods = applied.pods();
    String userCert = "client certificate CN=kubernetes-admin, O=system:masters"
        + " (~/.kube/config)";
    Builder b = new Builder(calls, api, apiIp, etcd);
    String res = kind.equals("Pod") ? "/api/v1/namespaces/" + ns + "/pods"
        : "/apis/apps/v1/namespaces/" + ns + "/" + kind.toLowerCase(java.util.Locale.ROOT) + "s";
    b.call("kubectl", "client", "POST", res, userCert, "kubectl apply creates " + kind + " "
        + ns + "/" + name);
    b.etcd("PUT", "/registry/" + (kind.equals("Pod") ? "pods" : kind.toLowerCase(
        java.util.Locale.ROOT) + "s") + "/" + ns + "/" + name);
    String cmCert = "client certificate CN=system:kube-controller-manager"
        + " (/etc/kubernetes/controller-manager.conf)";
    String cm = "kube-controller-manager@" + cp.name();
    if (kind.equals("Deployment")) {
      b.call(cm, apiIp, "WATCH", "/apis/apps/v1/deployments?watch=true", cmCert,
          "the Deployment controller sees the new Deployment");
      b.call(cm, apiIp, "POST", "/apis/apps/v1/namespaces/" + ns + "/replicasets", cmCert,
          "and creates its ReplicaSet");
      b.etcd("PUT", "/registry/replicasets/" + ns + "/" + name + "-...");
    }
    if (!kind.equals("Pod")) {
      b.call(cm, apiIp, "WATCH", "/apis/apps/v1/replicasets?watch=true", cmCert,
          "the ReplicaSet controller sees the ReplicaSet");
      for (Pod p : pods) {
        b.call(cm, apiIp, "POST", "/api/v1/namespaces/" + ns + "/pods", cmCert,
            "and creates pod " + p.name());
        b.etcd("PUT", "/registry/pods/" + ns + "/" + p.name());
      }
    }
    String schedCert = "client certificate CN=system:kube-scheduler"
        + " (/etc/kubernetes/scheduler.conf)";
    b.call("kube-scheduler@" + cp.name(), apiIp, "WATCH",
        "/api/v1/pods?fieldSelector=spec.nodeName%3D&watch=true", schedCert,
        "the scheduler sees pods without a node");
    for (Pod p : pods) {
      if (p.nodeName() == null) {
        continue;
      }
      b.call("kube-scheduler@" + cp.name(), apiIp, "POST", "/api/v1/namespaces/" + ns
          + "/pods/" + p.name() + "/binding", schedCert, "binds " + p.name() + " to "
          + p.nodeName());
      b.etcd("PUT", "/registry/pods/" + ns + "/" + p.name());
    }
    for (Pod p : pods) {
      if (p.nodeName() == null) {
        continue;
      }
      Node n = c.node(p.nodeName()).orElseThrow();
      String kubelet = "kubelet@" + n.name();
      String kubeletCert = "client certificate CN=system:node:" + n.name()
          + ", O=system:nodes (/var/lib/kubelet/pki/kubelet-client-current.pem)";
      b.call(kubelet, String.valueOf(n.internalIp()), "WATCH",
          "/api/v1/pods?fieldSelector=spec.nodeName%3D" + n.name() + "&watch=true",
          kubeletCert, "the kubelet sees " + p.name() + " bound to its node; it asks"
              + " containerd (unix:///run/containerd/containerd.sock) for a sandbox and the"
              + " CNI plugin (" + c.config().cni().plugin() + ") for its network: "
              + (p.podIp() == null ? "CNI ADD fails, the pod stays " + p.phase().text()
                  : "CNI ADD gives it " + p.podIp()));
      b.call(kubelet, String.valueOf(n.internalIp()), "PATCH", "/api/v1/namespaces/" + ns
          + "/pods/" + p.name() + "/status", kubeletCert, "reports the pod's status"
          + (p.podIp() == null ? "" : " and IP " + p.podIp()));
      b.etcd("PUT", "/registry/pods/" + ns + "/" + p.name());
    }
    b.call(cm, apiIp, "WATCH", "/api/v1/pods?watch=true", cmCert,
        "the EndpointSlice controller sees ready pods");
    b.call(cm, apiIp, "PUT", "/apis/discovery.k8s.io/v1/namespaces/" + ns + "/endpointslices",
        cmCert, "and updates the EndpointSlices of the Services that select them");
    b.etcd("PUT", "/registry/endpointslices/" + ns + "/...");
    for (Node n : c.nodes()) {
      b.call("kube-proxy@" + n.name(), String.valueOf(n.internalIp()), "WATCH",
          "/apis/discovery.k8s.io/v1/endpointslices?watch=true",
          "service account token kube-system/kube-proxy", "kube-proxy on " + n.name()
              + " reprograms its " + c.config().proxy().mode() + " rules");
    }
    for (Pod p : c.pods()) {
      if (p.name().startsWith("coredns-") && p.podIp() != null) {
        b.call("coredns@" + p.nodeName(), String.valueOf(p.podIp()), "WATCH",
            "/api/v1/services?watch=true", "service account token kube-system/coredns"
                + " (/var/run/secrets/kubernetes.io/serviceaccount/token)", "CoreDNS keeps"
                + " its records current");
        break;
      }
    }
    if (!pods.isEmpty() && pods.get(0).nodeName() != null) {
      Pod p = pods.get(0);
      Node n = c.node(p.nodeName()).orElseThrow();
      b.call("kubectl", "client", "GET", "/api/v1/namespaces/" + ns + "/pods/" + p.name()
          + "/log", userCert, "kubectl logs " + p.name());
      String verify = c.config().kubeletCertificateAuthority() == null
          ? "the kubelet's serving certificate is NOT verified (no"
              + " --kubelet-certificate-authority): open to man-in-the-middle"
          : "the kubelet's serving certificate is verified against "
              + c.config().kubeletCertificateAuthority();
      calls.add(new ApiCall(calls.size() + 1, api, apiIp, "kubelet@" + n.name(),
          String.valueOf(n.internalIp()), 10250, "HTTPS", "GET", "/containerLogs/" + ns + "/"
              + p.name() + "/" + p.name(), "client certificate apiserver-kubelet-client; "
              + verify, "the apiserver fetches the logs from the kubelet"
              + tunnel(c.config().apiserverTunnel())));
    }
    return List.copyOf(calls);
  }

  private static String tunnel(String t) {
    return switch (t) {
      case "konnectivity" -> " through the Konnectivity tunnel the agent on the node dialed out";
      case "ssh" -> " through the SSH tunnel to the node's port 22 (deprecated)";
      default -> "";
    };
  }

  /** What the timeline's {@code kubectl apply} created: the first Deployment, else pods. */
  private record Applied(String kind, String namespace, String name, List<Pod> pods) {}

  private static Applied applied(Cluster c) {
    for (Pod p : c.pods()) {
      if (p.owner() != null && p.owner().startsWith("ReplicaSet/")
          && !p.namespace().equals("kube-system")) {
        String rs = p.owner();
        String deploy = rs.substring("ReplicaSet/".length(), rs.lastIndexOf('-'));
        return new Applied("Deployment", p.namespace(), deploy, c.pods().stream()
            .filter(x -> rs.equals(x.owner())).toList());
      }
    }
    List<Pod> bare = c.pods().stream().filter(p -> p.owner() == null).toList();
    return bare.isEmpty() ? new Applied("Pod", "default", "app", List.of())
        : new Applied("Pod", bare.get(0).namespace(), bare.get(0).name(), bare);
  }

  private record Builder(List<ApiCall> calls, String api, String apiIp, String etcd) {
    void call(String from, String fromIp, String verb, String resource, String cred,
        String note) {
      calls.add(new ApiCall(calls.size() + 1, from, fromIp, api, apiIp, 6443, "HTTPS", verb,
          resource, cred, note));
    }

    void etcd(String verb, String key) {
      calls.add(new ApiCall(calls.size() + 1, api, apiIp, etcd, "127.0.0.1", 2379,
          "gRPC (HTTP/2 over TLS)", verb, key,
          "mutual TLS: apiserver-etcd-client certificate, etcd CA", "the apiserver persists"
              + " the change; only the apiserver talks to etcd"));
    }
  }
}
