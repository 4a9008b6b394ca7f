package io.kubewalk.sim.shell.kubectl;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubewalk.sim.Kubewalk;
import io.kubewalk.sim.Simulation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class KubectlTest {

  private static final Path GOLDEN = Path.of("src/test/resources/io/kubewalk/sim/shell/kubectl");

  /** Whole outputs, compared with golden files ({@code -Dgolden.update=true} rewrites them). */
  @ParameterizedTest(name = "{0}: kubectl {1}")
  @CsvSource(delimiter = '|', value = {
      "kubeadm-flannel|get pods -A -o wide|flannel-pods-wide",
      "kubeadm-flannel|get svc -A|flannel-svc",
      "kubeadm-flannel|get nodes -o wide|flannel-nodes-wide",
      "nodeport-vs-clusterip|get svc -o wide|nodeport-svc-wide",
      "nodeport-vs-clusterip|get endpoints -A|nodeport-endpoints",
      "nodeport-vs-clusterip|get endpointslices -A|nodeport-endpointslices",
      "nodeport-vs-clusterip|describe svc web-nodeport|nodeport-describe-svc",
      "cni-missing|describe pod app|cni-missing-describe-pod",
      "kubeadm-weave|get pods -n kube-system -o wide|weave-system-pods"})
  void printsWhatKubectlPrints(String lesson, String args, String golden) throws IOException {
    Simulation sim = Kubewalk.lesson(lesson);
    Kubectl.Result r = sim.kubectl(List.of(args.split(" ")));
    assertThat(r.exitCode()).isZero();
    Path file = GOLDEN.resolve(golden + ".txt");
    if (Boolean.getBoolean("golden.update")) {
      Files.createDirectories(GOLDEN);
      Files.writeString(file, r.out(), StandardCharsets.UTF_8);
    }
    assertThat(r.out()).isEqualTo(Files.readString(file, StandardCharsets.UTF_8));
  }

  @Test
  void nodePortsShowAsPortColonNodePort() {
    String out = Kubewalk.lesson("nodeport-vs-clusterip").kubectl("get", "svc", "web-nodeport")
        .out();
    assertThat(out).contains("80:30080/TCP").contains("NodePort");
  }

  @Test
  void kubernetesEndpointsAreTheApiserverOnTheControlPlane() {
    String out = Kubewalk.lesson("kubeadm-flannel").kubectl("get", "endpoints", "kubernetes")
        .out();
    assertThat(out).isEqualTo("""
        NAME         ENDPOINTS              AGE
        kubernetes   192.168.122.177:6443   60m
        """);
  }

  @Test
  void staticPodsCarryTheSeedsLivenessProbes() {
    Simulation sim = Kubewalk.lesson("kubeadm-flannel");
    assertThat(sim.kubectl("get", "pod", "-n", "kube-system", "etcd-controlplane", "-o", "yaml")
        .out()).contains("""
            livenessProbe:
              failureThreshold: 8
              httpGet:
                host: 127.0.0.1
                path: /health?exclude=NOSPACE&serializable=true
                port: 2381
                scheme: HTTP
        """);
    assertThat(sim.kubectl("describe", "pod", "-n", "kube-system",
        "kube-apiserver-controlplane").out()).contains("Liveness:      http-get"
            + " https://192.168.122.177:6443/livez delay=10s timeout=15s period=10s #success=1"
            + " #failure=8");
    assertThat(sim.kubectl("describe", "pod", "-n", "kube-system",
        "kube-scheduler-controlplane").out()).contains("https://127.0.0.1:10259/healthz");
    assertThat(sim.kubectl("describe", "pod", "-n", "kube-system",
        "kube-controller-manager-controlplane").out())
        .contains("https://127.0.0.1:10257/healthz");
  }

  @Test
  void rawApiAnswersTheApiVersionsDocument() {
    String out = Kubewalk.lesson("kubeadm-flannel").kubectl("get", "--raw", "/api").out();
    assertThat(out).isEqualTo("{\"kind\":\"APIVersions\",\"versions\":[\"v1\"],"
        + "\"serverAddressByClientCIDRs\":[{\"clientCIDR\":\"0.0.0.0/0\","
        + "\"serverAddress\":\"192.168.122.177:6443\"}]}\n");
  }

  @Test
  void missingObjectsAndUnknownTypesFailLikeKubectl() {
    Simulation sim = Kubewalk.lesson("kubeadm-flannel");
    assertThat(sim.kubectl("get", "svc", "nope").err())
        .isEqualTo("Error from server (NotFound): services \"nope\" not found\n");
    assertThat(sim.kubectl("get", "widgets").err())
        .isEqualTo("error: the server doesn't have a resource type \"widgets\"\n");
    Kubectl.Result none = sim.kubectl("get", "pods", "-n", "empty");
    assertThat(none.exitCode()).isZero();
    assertThat(none.err()).isEqualTo("No resources found in empty namespace.\n");
  }

  @Test
  void columnsArePaddedLikeGoTabwriter() {
    String t = new TabWriter().row("NAME", "AGE").row("kubernetes", "5m").toString();
    assertThat(t).isEqualTo("NAME         AGE\nkubernetes   5m\n");
    assertThat(new TabWriter().row("A", "B").toString()).isEqualTo("A     B\n");
  }

  @ParameterizedTest
  @CsvSource({"0,0s", "119,119s", "120,2m", "150,2m30s", "600,10m", "10799,179m", "10800,3h",
      "12600,3h30m", "28800,8h", "172800,2d", "180000,2d2h", "691200,8d", "63072000,2y"})
  void agesAreHumanDurations(long seconds, String text) {
    assertThat(Durations.human(seconds)).isEqualTo(text);
  }

  @Test
  void configViewAndProxyShowTheWaysIn() {
    var sim = io.kubewalk.sim.Kubewalk.lesson("kubeadm-flannel");
    assertThat(sim.kubectl("config", "view").out())
        .contains("    server: https://192.168.122.177:6443\n")
        .contains("current-context: kubernetes-admin@kubernetes\n")
        .contains("client-key-data: DATA+OMITTED");
    var proxy = sim.kubectl("proxy", "--port=8080");
    assertThat(proxy.out()).isEqualTo("Starting to serve on 127.0.0.1:8080\n");
    assertThat(proxy.err()).contains("forwarded as HTTPS to https://192.168.122.177:6443");
    assertThat(sim.kubectl("proxy").out()).isEqualTo("Starting to serve on 127.0.0.1:8001\n");
    assertThat(sim.kubectl("proxy", "--port=0").exitCode()).isEqualTo(1);
  }

  @Test
  void anApiserverServiceProxyUrlNamesTheEndpointAndTheTraceToRun() {
    var sim = io.kubewalk.sim.Kubewalk.lesson("clusterip");
    var r = sim.kubectl("get", "--raw", "/api/v1/namespaces/default/services/web/proxy/");
    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).contains("to endpoint 10.244.1.2:80 of Service default/web")
        .contains("plain HTTP").contains("--from pod/kube-system/kube-apiserver-controlplane"
            + " --to 10.244.1.2:80/tcp");
    assertThat(sim.kubectl("get", "--raw",
        "/api/v1/namespaces/default/services/https:web:80/proxy/").err()).contains("over HTTPS");
    assertThat(sim.kubectl("get", "--raw", "/api/v1/namespaces/default/services/nope/proxy/")
        .exitCode()).isEqualTo(1);
    var traced = sim.trace("pod/kube-system/kube-apiserver-controlplane", "10.244.1.2:80/tcp", 0);
    assertThat(traced.verdict()).isEqualTo(io.kubewalk.sim.trace.Verdict.DELIVERED);
  }
}
