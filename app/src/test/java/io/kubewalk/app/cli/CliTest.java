package io.kubewalk.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliTest {

  record Run(int code, String out, String err) {}

  static Run run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = KubewalkCommand.execute(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(code, out.toString(StandardCharsets.UTF_8),
        err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void lessonsListsTheBuiltInLessonsWithTitles() {
    Run r = run("lessons");
    assertThat(r.code()).isZero();
    assertThat(r.out().lines()).first().asString().startsWith("NAME").contains("TITLE");
    assertThat(r.out()).contains("kubeadm-flannel", "kubeadm-weave", "nodeport-vs-clusterip");
  }

  @Test
  void kubectlGetSvcShowsTheSystemServices() {
    Run r = run("kubectl", "-s", "kubeadm-flannel", "--", "get", "svc", "-A");
    assertThat(r.code()).isZero();
    assertThat(r.out()).containsPattern(
        "default +kubernetes +ClusterIP +10\\.96\\.0\\.1 +<none> +443/TCP ");
    assertThat(r.out()).containsPattern(
        "kube-system +kube-dns +ClusterIP +10\\.96\\.0\\.10 +<none> +53/UDP,53/TCP,9153/TCP ");
  }

  @Test
  void kubectlGetPodsWideShowsSystemPodsAtTheirAddresses() {
    Run r = run("kubectl", "-s", "kubeadm-flannel", "--", "get", "pods", "-A", "-o", "wide");
    assertThat(r.code()).isZero();
    assertThat(r.out()).containsPattern(
        "kube-system +kube-apiserver-controlplane +1/1 +Running +0 +\\S+ +192\\.168\\.122\\.177"
            + " +controlplane ");
    assertThat(r.out()).containsPattern("kube-system +coredns-\\S+ +1/1 +Running +0 +\\S+"
        + " +172\\.17\\.0\\.[23] +controlplane ");
  }

  @Test
  void aNodePortOutsideTheRangeExitsTwoWithALocatedMessage(@TempDir Path dir)
      throws IOException {
    Path f = dir.resolve("bad.yaml");
    Files.writeString(f, """
        apiVersion: v1
        kind: Service
        metadata:
          name: web
        spec:
          type: NodePort
          ports:
            - port: 80
              nodePort: 80
        """);
    Run r = run("kubectl", "-s", f.toString(), "--", "get", "svc");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).isEqualTo(f + ":9:17: nodePort 80 is outside the NodePort range"
        + " (expected 30000-32767)\n");
  }

  @Test
  void anUnknownLessonOrMissingFileIsOneLineAndExitTwo() {
    Run r = run("kubectl", "-s", "no-such-lesson", "--", "get", "pods");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err().lines()).hasSize(1);
    assertThat(r.err()).contains("no-such-lesson").doesNotContain("Exception");
  }

  @Test
  void kubectlErrorsKeepKubectlsWordingAndExitOne() {
    Run r = run("kubectl", "-s", "kubeadm-flannel", "--", "get", "pods", "nope");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).isEqualTo("Error from server (NotFound): pods \"nope\" not found\n");
  }

  @Test
  void badArgumentsExitTwo() {
    Run r = run("kubectl", "--", "get", "pods");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("Missing required option");
  }

  @Test
  void execPrintsTheSeedsRoutes() {
    Run r = run("exec", "-s", "kubeadm-flannel", "controlplane", "--", "ip", "route");
    assertThat(r.code()).isZero();
    assertThat(r.out().lines().map(String::stripTrailing).toList()).containsExactly(
        "default via 169.254.1.1 dev eth0",
        "169.254.1.1 dev eth0 scope link",
        "172.17.0.0/24 dev cni0 proto kernel scope link src 172.17.0.1",
        "172.17.1.0/24 via 172.17.1.0 dev flannel.1 onlink");
  }

  @Test
  void traceJsonShowsTheVxlanHop() {
    Run r = run("trace", "-s", "kubeadm-flannel", "--from", "pod/default/client", "--to",
        "pod/default/app:80/tcp", "--json");
    assertThat(r.code()).isZero();
    assertThat(r.out()).contains("\"verdict\" : \"DELIVERED\"", "\"kind\" : \"ENCAP\"",
        "\"vni\" : 1", "\"dport\" : 8472");
  }

  /** The Done-when command of the kube-proxy issue. */
  @Test
  void nodePortFromOutsideIsMasqueradedBehindANodeAddress() throws IOException {
    Run r = run("trace", "-s", "nodeport-vs-clusterip", "--from", "ip/203.0.113.7", "--enter",
        "node/node01", "--to", "192.168.56.11:30080/tcp", "--json");
    assertThat(r.code()).isZero();
    var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.out());
    assertThat(json.get("verdict").asText()).isEqualTo("DELIVERED");
    assertThat(json.get("masqueraded").asBoolean()).isTrue();
    double sum = 0;
    for (var c : json.get("candidates")) {
      sum += c.get("probability").asDouble();
    }
    assertThat(json.get("candidates")).hasSize(2);
    assertThat(sum).isEqualTo(1.0);
    boolean nodePorts = false;
    for (var s : json.get("steps")) {
      nodePorts |= s.get("rule").asText("").startsWith("-A KUBE-NODEPORTS ");
    }
    assertThat(nodePorts).as("a KUBE-NODEPORTS rule matched").isTrue();
    String seen = json.get("sourceSeen").asText();
    Run addrs = run("exec", "-s", "nodeport-vs-clusterip", "node01", "--", "ip", "-br", "addr");
    assertThat(addrs.out()).contains(" " + seen.substring(0, seen.indexOf(':')) + "/");
  }

  @Test
  void traceTextEndsWithTheVerdictAndReason() {
    Run r = run("trace", "-s", "cni-missing", "--from", "pod/default/client", "--to",
        "pod/default/app:80");
    assertThat(r.code()).isZero();
    assertThat(r.out()).contains("DROPPED", "why:  pod default/app has no IP", "hint: ");
  }

  @Test
  void badTraceArgumentsAreOneLineAndExitTwo() {
    Run r = run("trace", "-s", "kubeadm-flannel", "--from", "pod/nope", "--to", "1.2.3.4:80");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).isEqualTo("kubewalk: cannot read 'pod/nope' (expected"
        + " pod/NAMESPACE/NAME)\n");
    Run unknown = run("trace", "-s", "kubeadm-flannel", "--from", "pod/default/nope", "--to",
        "1.2.3.4:80");
    assertThat(unknown.code()).isEqualTo(2);
    assertThat(unknown.err()).startsWith("kubewalk: no pod default/nope");
  }

  @Test
  void anInternalErrorIsOneLinePlusAReportFile() throws IOException {
    java.io.StringWriter sw = new java.io.StringWriter();
    int code = KubewalkCommand.handle(new IllegalStateException("boom"),
        new java.io.PrintWriter(sw, true));
    assertThat(code).isEqualTo(KubewalkCommand.EXIT_INTERNAL);
    String line = sw.toString();
    assertThat(line.lines()).hasSize(1);
    assertThat(line).startsWith("kubewalk: internal error: java.lang.IllegalStateException: boom"
        + " (full report written to ");
    Path report = Path.of(line.substring(line.indexOf("written to ") + 11, line.lastIndexOf(')')));
    assertThat(Files.readString(report)).contains("IllegalStateException: boom", "at ");
    Files.delete(report);
  }
  @Test
  void generateWritesAScenarioThatLoads(@TempDir Path dir) throws IOException {
    Path f = dir.resolve("gen.yaml");

    Run r = run("generate", "--nodes", "3", "--pods-per-node", "4", "--services", "2",
        "--endpoints-per-service", "3", "--proxy-mode", "ipvs", "--seed", "5", "-o",
        f.toString());

    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).contains("kubewalk: wrote " + f, "3 nodes, 12 application pods in 3"
        + " Deployments, 2 Services, 1 namespace(s)");
    assertThat(Files.readString(f)).contains("kubeProxyMode: ipvs");
    Run svc = run("kubectl", "-s", f.toString(), "--", "get", "svc", "-n", "team-00");
    assertThat(svc.code()).as(svc.err()).isZero();
    assertThat(svc.out().lines().skip(1)).hasSize(2).allMatch(l -> l.contains("ClusterIP"));
  }

  @Test
  void generateWithoutOutputPrintsTheSameScenario(@TempDir Path dir) throws IOException {
    Path f = dir.resolve("gen.yaml");
    run("generate", "--nodes", "2", "--services", "1", "-o", f.toString());

    Run r = run("generate", "--nodes", "2", "--services", "1");

    assertThat(r.code()).isZero();
    assertThat(r.out()).isEqualTo(Files.readString(f)).startsWith("# Generated by kubewalk");
  }

  @Test
  void generateRefusesBadNumbersWithExitTwo() {
    Run r = run("generate", "--nodes", "0", "-o", "unused.yaml");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).isEqualTo("kubewalk: --nodes 0 is not a node count (expected 1 to"
        + " 16384)" + System.lineSeparator());

    Run preset = run("generate", "--preset", "limits", "--nodes", "10");
    assertThat(preset.code()).isEqualTo(2);
    assertThat(preset.err()).contains("--preset limits fixes the cluster's shape");

    Run tooMany = run("generate", "--nodes", "3", "--pods-per-node", "2", "--services", "4",
        "--endpoints-per-service", "2");
    assertThat(tooMany.code()).isEqualTo(2);
    assertThat(tooMany.err()).contains("need 8 pods but --nodes x --pods-per-node gives 6");

    Run unwritable = run("generate", "-o", "no/such/dir/gen.yaml");
    assertThat(unwritable.code()).isEqualTo(2);
    assertThat(unwritable.err()).startsWith("kubewalk: cannot write no/such/dir/gen.yaml: ");
  }

  @Test
  void exportNetnsWritesAnExecutableLabScript(@TempDir Path dir) throws IOException {
    Path lab = dir.resolve("lab.sh");
    Run r = run("export", "-s", "clusterip", "netns", "-o", lab.toString());
    assertThat(r.code()).isZero();
    assertThat(Files.isExecutable(lab)).isTrue();
    assertThat(Files.readString(lab)).startsWith("#!/usr/bin/env bash\n# kubewalk lab: clusterip")
        .isEqualTo(run("export", "-s", "clusterip", "netns").out());
    Run ipvs = run("export", "-s", "clusterip", "--proxy-mode", "ipvs", "netns");
    assertThat(ipvs.code()).isEqualTo(2);
    assertThat(ipvs.err()).startsWith("kubewalk: the netns lab cannot build kube-proxy's IPVS");
  }
}
