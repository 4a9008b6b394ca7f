package io.kubewalk.sim.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubewalk.sim.Kubewalk;
import io.kubewalk.sim.api.EndpointSlice;
import io.kubewalk.sim.api.Node;
import io.kubewalk.sim.api.Pod;
import io.kubewalk.sim.api.Service;
import io.kubewalk.sim.net.Cidr;
import io.kubewalk.sim.net.Ip;
import io.kubewalk.sim.scenario.ScenarioException;
import java.util.List;
import org.junit.jupiter.api.Test;

class ControlPlaneTest {

  private static Cluster lesson(String name) {
    return Kubewalk.lesson(name).cluster();
  }

  private static Pod pod(Cluster c, String ns, String name) {
    return c.pod(ns, name).orElseThrow(() -> new AssertionError("no pod " + ns + "/" + name));
  }

  private static Ip ip(String s) {
    return Ip.parse(s);
  }

  @Test
  void nodeIpamSlicesThePodSubnetInNodeOrder() {
    Cluster c = lesson("kubeadm-flannel");
    assertThat(c.nodes()).extracting(Node::name).containsExactly("controlplane", "node01");
    assertThat(c.nodes()).extracting(Node::podCidr)
        .containsExactly(Cidr.parse("172.17.0.0/24"), Cidr.parse("172.17.1.0/24"));
    assertThat(c.nodeNetworks().get("controlplane").gateway()).isEqualTo(ip("172.17.0.1"));
  }

  @Test
  void staticPodsRunOnTheControlPlaneWithHostNetworking() {
    Cluster c = lesson("kubeadm-flannel");
    for (String component : List.of("etcd", "kube-apiserver", "kube-controller-manager",
        "kube-scheduler")) {
      Pod p = pod(c, "kube-system", component + "-controlplane");
      assertThat(p.hostNetwork()).isTrue();
      assertThat(p.nodeName()).isEqualTo("controlplane");
      assertThat(p.podIp()).isEqualTo(ip("192.168.122.177"));
    }
    assertThat(c.pods()).filteredOn(p -> p.name().startsWith("kube-proxy-"))
        .extracting(Pod::nodeName).containsExactlyInAnyOrder("controlplane", "node01");
    assertThat(c.pods()).filteredOn(p -> p.name().startsWith("kube-flannel-ds-"))
        .allMatch(p -> p.namespace().equals("kube-flannel") && p.hostNetwork());
  }

  @Test
  void hostLocalIpamHandsOutAddressesBehindTheBridgeGateway() {
    Cluster c = lesson("kubeadm-flannel");
    List<Pod> coredns = c.pods().stream().filter(p -> p.name().startsWith("coredns-")).toList();
    assertThat(coredns).hasSize(2).allMatch(p -> p.nodeName().equals("controlplane"));
    assertThat(coredns).extracting(Pod::podIp)
        .containsExactly(ip("172.17.0.2"), ip("172.17.0.3"));
    assertThat(pod(c, "default", "app").podIp()).isEqualTo(ip("172.17.0.4"));
    assertThat(pod(c, "default", "client").podIp()).isEqualTo(ip("172.17.1.2"));
    assertThat(pod(c, "default", "web").podIp()).isEqualTo(ip("172.17.1.3"));
  }

  @Test
  void corednsNamesLookLikeAReplicaSetsPods() {
    Cluster c = lesson("kubeadm-flannel");
    assertThat(c.pods()).filteredOn(p -> p.name().startsWith("coredns-"))
        .allSatisfy(p -> assertThat(p.name()).matches(
            "coredns-[bcdfghjklmnpqrstvwxz2456789]{6,10}-[bcdfghjklmnpqrstvwxz2456789]{5}"));
  }

  @Test
  void kubernetesServiceGetsTheFirstServiceIpAndKubeDnsTheTenth() {
    Cluster c = lesson("kubeadm-flannel");
    Service k = c.service("default", "kubernetes").orElseThrow();
    assertThat(k.clusterIp()).isEqualTo(ip("10.96.0.1"));
    assertThat(c.service("kube-system", "kube-dns").orElseThrow().clusterIp())
        .isEqualTo(ip("10.96.0.10"));
    EndpointSlice ep = c.slicesOf(k).get(0);
    assertThat(ep.endpoints()).extracting(EndpointSlice.Endpoint::address)
        .containsExactly(ip("192.168.122.177"));
    assertThat(ep.ports()).extracting(EndpointSlice.Port::port).containsExactly(6443);
  }

  @Test
  void dynamicClusterIpsComeFromTheServiceCidrAboveTheStaticBand() {
    Cluster c = lesson("kubeadm-flannel");
    Ip web = c.service("default", "web").orElseThrow().clusterIp();
    Cidr svc = Cidr.parse("10.96.0.0/12");
    assertThat(svc.contains(web)).isTrue();
    assertThat(web.unsigned() - svc.network().unsigned()).isGreaterThan(256);
  }

  @Test
  void schedulerSpreadsAndKeepsOrdinaryPodsOffTheControlPlane() {
    Cluster c = lesson("nodeport-vs-clusterip");
    List<Pod> web = c.pods().stream().filter(p -> p.labels().containsKey("pod-template-hash"))
        .toList();
    assertThat(web).hasSize(2);
    assertThat(web).extracting(Pod::nodeName).containsExactlyInAnyOrder("node01", "node02");
    // The seed's web pod is 10.244.1.2: the Deployment's pods get the first addresses.
    assertThat(web).extracting(Pod::podIp).contains(ip("10.244.1.2"), ip("10.244.2.2"));
    assertThat(pod(c, "default", "client").podIp()).isEqualTo(ip("10.244.1.3"));
  }

  @Test
  void endpointSliceControllerResolvesNamedTargetPorts() {
    Cluster c = lesson("nodeport-vs-clusterip");
    Service web = c.service("default", "web").orElseThrow();
    assertThat(web.clusterIp()).isEqualTo(ip("10.99.13.178"));
    List<EndpointSlice> slices = c.slicesOf(web);
    assertThat(slices).hasSize(1);
    assertThat(slices.get(0).ports()).extracting(EndpointSlice.Port::port).containsExactly(80);
    assertThat(slices.get(0).endpoints()).hasSize(2).allMatch(EndpointSlice.Endpoint::ready);
    Service np = c.service("default", "web-nodeport").orElseThrow();
    assertThat(np.ports().get(0).nodePort()).isEqualTo(30080);
  }

  @Test
  void weaveSplitsTheIpallocRangeBetweenPeers() {
    Cluster c = lesson("kubeadm-weave");
    assertThat(c.nodeNetworks().get("controlplane").gateway()).isEqualTo(ip("10.244.0.1"));
    assertThat(c.nodeNetworks().get("node01").gateway()).isEqualTo(ip("10.244.192.0"));
    assertThat(pod(c, "default", "busybox").podIp()).isEqualTo(ip("10.244.192.1"));
    assertThat(c.pods()).filteredOn(p -> p.name().startsWith("weave-net-"))
        .extracting(Pod::podIp).containsExactlyInAnyOrder(ip("192.5.113.6"), ip("192.5.113.8"));
  }

  @Test
  void reconcilingTwiceGivesTheSameCluster() {
    assertThat(lesson("nodeport-vs-clusterip")).isEqualTo(lesson("nodeport-vs-clusterip"));
  }

  @Test
  void weaveNotAppliedLeavesPodsContainerCreatingWithTheSandboxEvent() {
    Cluster c = Kubewalk.fromYaml("weave-missing.yaml", """
        apiVersion: kubewalk.io/v1alpha1
        kind: Topology
        cni: {plugin: weave, installed: false}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: app}
        spec:
          nodeName: controlplane
          containers: [{name: app, image: nginx}]
        """).cluster();
    Pod app = pod(c, "default", "app");
    assertThat(app.phase()).isEqualTo(Pod.Phase.CONTAINER_CREATING);
    assertThat(app.podIp()).isNull();
    assertThat(app.events()).anySatisfy(e -> {
      assertThat(e.reason()).isEqualTo("FailedCreatePodSandBox");
      assertThat(e.message()).contains("plugin type=\"weave-net\" name=\"weave\" failed (add)",
          "dial tcp 127.0.0.1:6784: connect: connection refused");
    });
  }

  @Test
  void withoutAnyCniNodesAreNotReadyAndPodsPending() {
    Cluster c = Kubewalk.fromYaml("kind-nocni.yaml", """
        kind: Cluster
        apiVersion: kind.x-k8s.io/v1alpha4
        networking:
          disableDefaultCNI: true
        nodes:
          - role: control-plane
          - role: worker
        """).cluster();
    assertThat(c.nodes()).extracting(Node::name)
        .containsExactly("kind-control-plane", "kind-worker");
    assertThat(c.nodeReady("kind-worker")).isFalse();
    assertThat(c.pods()).filteredOn(p -> p.name().startsWith("coredns-"))
        .allSatisfy(p -> {
          assertThat(p.phase()).isEqualTo(Pod.Phase.PENDING);
          assertThat(p.events().get(0).message()).contains("untolerated taint"
              + " {node.kubernetes.io/not-ready: }");
        });
  }

  @Test
  void anExplicitClusterIpAlreadyTakenIsALocatedError() {
    assertThatThrownBy(() -> Kubewalk.fromYaml("dup.yaml", """
        apiVersion: v1
        kind: Service
        metadata: {name: fake-dns}
        spec:
          clusterIP: 10.96.0.10
          ports: [{port: 53, protocol: UDP}]
        """)).isInstanceOf(ScenarioException.class)
        .hasMessage("dup.yaml:5:14: clusterIP 10.96.0.10 is already allocated to Service"
            + " kube-system/kube-dns (expected a free address in 10.96.0.0/12)");
  }
}
