package io.kubewalk.sim.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kubewalk.sim.Kubewalk;
import io.kubewalk.sim.Simulation;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TracerTest {

  private static Trace trace(String lesson, String from, String to) {
    return Kubewalk.lesson(lesson).trace(from, to, 0);
  }

  private static List<Step.Kind> kinds(Trace t) {
    return t.steps().stream().map(Step::kind).toList();
  }

  private static long routingHops(Trace t) {
    return t.steps().stream().filter(s -> s.kind() == Step.Kind.ROUTE
        && s.detail().contains("(forwarded")).count();
  }

  @Test
  void crossNodeFlannelTrafficIsVxlanBetweenTheNodeIps() {
    Trace t = trace("kubeadm-flannel", "pod/default/client", "pod/default/app:80/tcp");
    assertThat(t.verdict()).isEqualTo(Verdict.DELIVERED);
    Step encap = t.steps().stream().filter(s -> s.kind() == Step.Kind.ENCAP).findFirst()
        .orElseThrow();
    assertThat(encap.device()).isEqualTo("flannel.1");
    assertThat(encap.packet().outer().src()).hasToString("192.168.212.136");
    assertThat(encap.packet().outer().dst()).hasToString("192.168.122.177");
    assertThat(encap.packet().outer().dport()).isEqualTo(8472);
    assertThat(encap.packet().outer().vni()).isEqualTo(1);
    assertThat(kinds(t)).containsSubsequence(Step.Kind.ENCAP, Step.Kind.WIRE,
        Step.Kind.DECAP, Step.Kind.BRIDGE, Step.Kind.DELIVER);
    Step last = t.steps().get(t.steps().size() - 1);
    assertThat(last.packet().ttl()).isEqualTo(64 - routingHops(t)).isEqualTo(62);
    assertThat(t.deliveredTo()).isEqualTo(new Trace.Endpoint("pod", "default/app",
        "172.17.0.4", 80));
    assertThat(t.sourceSeen()).startsWith("172.17.1.2:");
    assertThat(t.hops()).containsSubsequence("node01/node01", "node-network/node-network",
        "controlplane/controlplane");
  }

  @Test
  void sameNodeTrafficIsBridgedOnCni0WithoutEncapsulation() {
    Trace t = trace("kubeadm-flannel", "pod/default/client", "pod/default/web:80/tcp");
    assertThat(t.verdict()).isEqualTo(Verdict.DELIVERED);
    assertThat(kinds(t)).doesNotContain(Step.Kind.ENCAP, Step.Kind.DECAP, Step.Kind.WIRE);
    assertThat(t.steps()).anySatisfy(s -> {
      assertThat(s.kind()).isEqualTo(Step.Kind.BRIDGE);
      assertThat(s.device()).isEqualTo("cni0");
      assertThat(s.detail()).contains("forwards the frame to port veth");
    });
    assertThat(t.steps().get(t.steps().size() - 1).packet().ttl()).isEqualTo(64);
  }

  @Test
  void hostGwRoutesToThePeerNodeWithoutATunnel() {
    Trace t = trace("flannel-host-gw", "pod/default/client", "pod/default/web:80/tcp");
    assertThat(t.verdict()).isEqualTo(Verdict.DELIVERED);
    assertThat(kinds(t)).doesNotContain(Step.Kind.ENCAP);
    assertThat(t.steps()).anySatisfy(s -> assertThat(s.rule())
        .isEqualTo("10.244.2.0/24 via 192.168.56.12 dev eth0"));
  }

  @Test
  void calicoUsesIpipAndPerPodRoutes() {
    Trace t = trace("calico", "pod/default/client", "pod/default/web:80/tcp");
    assertThat(t.verdict()).isEqualTo(Verdict.DELIVERED);
    assertThat(kinds(t)).doesNotContain(Step.Kind.BRIDGE).contains(Step.Kind.ENCAP,
        Step.Kind.DECAP);
    assertThat(t.steps()).anySatisfy(s -> assertThat(s.rule()).matches(
        "10\\.244\\.2\\.\\d+ dev cali[0-9a-f]{11} scope link"));
  }

  @Test
  void weaveCrossesNodesThroughItsOverlay() {
    Trace t = trace("kubeadm-weave", "pod/default/busybox", "pod/default/app:80/tcp");
    assertThat(t.verdict()).isEqualTo(Verdict.DELIVERED);
    assertThat(t.steps()).anySatisfy(s -> {
      assertThat(s.kind()).isEqualTo(Step.Kind.ENCAP);
      assertThat(s.packet().outer().dport()).isEqualTo(6784);
    });
  }

  @Test
  void aPodWithoutASandboxCannotBeReached() {
    Trace t = trace("cni-missing", "pod/default/client", "pod/default/app:80/tcp");
    assertThat(t.verdict()).isEqualTo(Verdict.DROPPED);
    assertThat(t.reason()).contains("has no IP", "ContainerCreating", "FailedCreatePodSandBox");
    assertThat(t.hint()).contains("install the CNI plugin (weave)");
  }

  @Test
  void podTrafficLeavingThePodNetworkIsMasqueradedByFlannel() {
    Trace t = trace("kubeadm-flannel", "pod/default/client", "192.168.122.177:6443/tcp");
    assertThat(t.verdict()).isEqualTo(Verdict.DELIVERED);
    assertThat(t.masqueraded()).isTrue();
    assertThat(t.sourceSeen()).startsWith("192.168.212.136:");
    assertThat(t.steps()).anySatisfy(s -> assertThat(s.rule()).isEqualTo(
        "-A FLANNEL-POSTRTG -s 172.17.0.0/16 ! -d 224.0.0.0/4 -m comment --comment \"flanneld"
            + " masq\" -j MASQUERADE --random-fully"));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "kubeadm-flannel|node/node01|192.168.122.177:6443/tcp|DELIVERED|kube-apiserver",
      "kubeadm-flannel|node/node01|192.168.122.177:10259/tcp|REJECTED|no process listens",
      "kubeadm-flannel|node/controlplane|127.0.0.1:10259/tcp|DELIVERED|kube-scheduler",
      "nodeport-vs-clusterip|external/laptop|192.168.56.11:10250/tcp|DELIVERED|kubelet",
      "nodeport-vs-clusterip|external/laptop|10.244.1.2:80/tcp|DROPPED|no route to 10.244.1.2",
      "nodeport-vs-clusterip|ip/203.0.113.7|10.244.2.2:80/tcp|DELIVERED|",
      "kubeadm-flannel|pod/default/client|pod/default/web:8080/tcp|REJECTED|TCP RST"})
  void endsWithTheVerdictTheModelGives(String lesson, String from, String to, Verdict verdict,
      String why) {
    Simulation sim = Kubewalk.lesson(lesson);
    Trace t = from.startsWith("ip/")
        ? sim.trace(Endpoints.parseFrom(from, "node/node01"), Endpoints.parseTo(to), 0)
        : sim.trace(from, to, 0);
    assertThat(t.verdict()).isEqualTo(verdict);
    String text = t.verdict() == Verdict.DELIVERED
        ? t.steps().get(t.steps().size() - 1).detail() : t.reason();
    assertThat(text).contains(why == null ? "" : why);
  }

  /** A two-node kubeadm cluster with a Topology line added, pod a on node01, b on controlplane. */
  private static Simulation podAOnNode01AndBOnControlplane(String topologyLine) {
    return Kubewalk.fromYaml("two-pods.yaml", """
        apiVersion: kubewalk.io/v1alpha1
        kind: Topology
        %s
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: a}
        spec: {nodeName: node01, containers: [{name: a, image: busybox}]}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: b}
        spec: {nodeName: controlplane, containers: [{name: b, image: nginx}]}
        """.formatted(topologyLine));
  }

  @Test
  void ipForwardOffDropsForwardedPackets() {
    Simulation sim = podAOnNode01AndBOnControlplane("sysctls: {ipForward: false}");
    Trace t = sim.trace("pod/default/a", "pod/default/b:80/tcp", 0);
    assertThat(t.verdict()).isEqualTo(Verdict.DROPPED);
    assertThat(t.reason()).contains("net.ipv4.ip_forward=0");
    assertThat(t.hint()).contains("sysctl -w net.ipv4.ip_forward=1");
  }

  @Test
  void theBridgePluginAloneDoesNotConnectNodes() {
    Simulation sim = podAOnNode01AndBOnControlplane("cni: {plugin: bridge}");
    Trace t = sim.trace("pod/default/a", "pod/default/b:80/tcp", 0);
    assertThat(t.verdict()).isEqualTo(Verdict.DROPPED);
    String b = sim.cluster().pod("default", "b").orElseThrow().podIp().toString();
    assertThat(t.reason()).contains("the node network", "has no route to " + b);
  }

  @Test
  void theSameSeedGivesTheSameJson() {
    Simulation sim = Kubewalk.lesson("kubeadm-flannel");
    String a = TraceJson.write(sim.trace("pod/default/client", "192.168.122.177:6443/tcp", 7));
    String b = TraceJson.write(sim.trace("pod/default/client", "192.168.122.177:6443/tcp", 7));
    assertThat(a).isEqualTo(b);
  }

  @Test
  void jsonFollowsTheContract() throws Exception {
    Trace t = trace("kubeadm-flannel", "pod/default/client", "pod/default/app:80/tcp");
    JsonNode j = new ObjectMapper().readTree(TraceJson.write(t));
    assertThat(j.get("verdict").asText()).isEqualTo("DELIVERED");
    assertThat(j.get("reason").isNull()).isTrue();
    assertThat(j.get("deliveredTo").get("kind").asText()).isEqualTo("pod");
    assertThat(j.get("deliveredTo").get("port").asInt()).isEqualTo(80);
    JsonNode encap = null;
    for (JsonNode s : j.get("steps")) {
      assertThat(s.has("index") && s.has("node") && s.has("netns") && s.has("device")
          && s.has("kind") && s.has("detail") && s.has("rule") && s.has("packet")).isTrue();
      if (s.get("kind").asText().equals("ENCAP")) {
        encap = s;
      }
    }
    assertThat(encap).isNotNull();
    JsonNode outer = encap.get("packet").get("outer");
    assertThat(outer.get("src").asText()).isEqualTo("192.168.212.136");
    assertThat(outer.get("dst").asText()).isEqualTo("192.168.122.177");
    assertThat(outer.get("dport").asInt()).isEqualTo(8472);
    assertThat(outer.get("vni").asInt()).isEqualTo(1);
  }

  @Test
  void unknownNamesAreReportedNotTraced() {
    Simulation sim = Kubewalk.lesson("kubeadm-flannel");
    assertThatThrownBy(() -> sim.trace("pod/default/nope", "pod/default/web:80", 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no pod default/nope");
  }
}
