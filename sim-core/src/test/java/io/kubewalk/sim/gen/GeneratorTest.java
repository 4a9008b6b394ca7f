package io.kubewalk.sim.gen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubewalk.sim.Kubewalk;
import io.kubewalk.sim.api.EndpointSlice;
import io.kubewalk.sim.api.Pod;
import io.kubewalk.sim.api.ProxyConfig;
import io.kubewalk.sim.api.Service;
import io.kubewalk.sim.control.Cluster;
import io.kubewalk.sim.scenario.ScenarioSource;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

class GeneratorTest {

  private static String generate(Generator.Spec spec) {
    StringWriter w = new StringWriter();
    try {
      Generator.write(spec, w, Generator.Progress.NONE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return w.toString();
  }

  private static Cluster load(String yaml) {
    return Kubewalk.loadCluster(List.of(new ScenarioSource("generated.yaml", yaml)));
  }

  private static boolean isApplication(Pod p) {
    return p.namespace().startsWith("team-");
  }

  private static boolean isApplication(Service s) {
    return s.namespace().startsWith("team-");
  }

  private static int endpoints(Cluster c, Service s) {
    return c.slicesOf(s).stream().mapToInt(e -> e.endpoints().size()).sum();
  }

  @Test
  void aSmallClusterLoadsWithTheRequestedCounts() {
    Cluster c = load(generate(Generator.Spec.uniform(4, 6, 3, 5, "iptables", 7)));

    assertThat(c.nodes()).hasSize(4);
    assertThat(c.nodes().get(0).name()).isEqualTo("scale-control-plane");
    List<Pod> pods = c.pods().stream().filter(GeneratorTest::isApplication).toList();
    assertThat(pods).hasSize(24)
        .allSatisfy(p -> {
          assertThat(p.phase()).isEqualTo(Pod.Phase.RUNNING);
          assertThat(p.podIp()).isNotNull();
          assertThat(p.nodeName()).isNotEqualTo("scale-control-plane");
        });
    Map<String, Integer> perNode = new HashMap<>();
    pods.forEach(p -> perNode.merge(p.nodeName(), 1, Integer::sum));
    assertThat(perNode.values()).allSatisfy(n -> assertThat(n).isEqualTo(8));
    List<Service> services = c.services().stream().filter(GeneratorTest::isApplication).toList();
    assertThat(services).hasSize(3)
        .allSatisfy(s -> {
          assertThat(s.type()).isEqualTo(Service.Type.ClusterIP);
          assertThat(endpoints(c, s)).isEqualTo(5);
        });
    // The 9 pods no Service selects are in one batch Deployment.
    assertThat(pods.stream().filter(p -> p.name().startsWith("batch-0001-"))).hasSize(9);
  }

  @Test
  void endpointsResolveTheNamedTargetPorts() {
    Cluster c = load(generate(Generator.Spec.uniform(3, 10, 12, 2, "iptables", 0)));

    for (Service s : c.services().stream().filter(GeneratorTest::isApplication).toList()) {
      List<EndpointSlice> slices = c.slicesOf(s);
      assertThat(slices).hasSize(1);
      assertThat(slices.get(0).ports()).hasSameSizeAs(s.ports())
          .allSatisfy(p -> assertThat(p.port()).isIn(8080, 9090, 9100));
    }
  }

  @Test
  void theProxyModeGoesIntoTheKindCluster() {
    String yaml = generate(Generator.Spec.uniform(2, 1, 1, 1, "ipvs", 0));

    assertThat(yaml).contains("  kubeProxyMode: ipvs\n");
    assertThat(load(yaml).config().proxy().mode()).isEqualTo(ProxyConfig.Mode.ipvs);
  }

  @Test
  void moreThan256NodesGetALargerPodSubnet() {
    Generator.Spec spec = Generator.Spec.uniform(300, 2, 20, 10, "iptables", 0);
    assertThat(spec.podSubnet()).isEqualTo("10.0.0.0/15");

    Cluster c = load(generate(spec));

    assertThat(c.nodes()).hasSize(300);
    assertThat(c.nodes().get(299).podCidr().toString()).isEqualTo("10.1.43.0/24");
    assertThat(c.pods().stream().filter(GeneratorTest::isApplication)).hasSize(600);
  }

  @Test
  void theSameSeedWritesTheSameBytesAndAnotherSeedOtherNames() {
    Generator.Spec a = Generator.Spec.uniform(5, 20, 10, 4, "nftables", 42);

    assertThat(generate(a)).isEqualTo(generate(Generator.Spec.uniform(5, 20, 10, 4, "nftables",
        42)));
    assertThat(generate(a)).isNotEqualTo(generate(Generator.Spec.uniform(5, 20, 10, 4,
        "nftables", 43)));
  }

  @Test
  void theLimitsPresetHasTheDocumentedShape() {
    Generator.Spec s = Generator.Spec.limits("iptables", 0);

    assertThat(s.nodes()).isEqualTo(5_000);
    assertThat(s.pods()).isEqualTo(150_000);
    assertThat(s.services()).isEqualTo(10_000);
    assertThat(s.selectedPods()).isEqualTo(150_000);
    assertThat(s.serviceSizes()).allSatisfy(n -> assertThat(n).isBetween(1, 250));
    assertThat(s.podSubnet()).isEqualTo("10.0.0.0/11");
  }

  @Test
  void progressIsReportedUpToTheTotal() {
    List<long[]> calls = new ArrayList<>();
    StringWriter w = new StringWriter();
    try {
      Generator.write(Generator.Spec.uniform(3, 10, 4, 2, "iptables", 0), w,
          (done, total) -> calls.add(new long[] {done, total}));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    // the Cluster, 1 Namespace, 4 Deployments and Services, 1 batch Deployment
    assertThat(calls).hasSize(11);
    assertThat(calls.get(10)).containsExactly(11, 11);
  }

  @Test
  void badNumbersAreRefusedNamingTheOption() {
    assertThatThrownBy(() -> Generator.Spec.uniform(0, 1, 0, 1, "iptables", 0))
        .hasMessage("--nodes 0 is not a node count (expected 1 to 16384)");
    assertThatThrownBy(() -> Generator.Spec.uniform(20_000, 1, 0, 1, "iptables", 0))
        .hasMessageStartingWith("--nodes 20000 is more than the pod subnet");
    assertThatThrownBy(() -> Generator.Spec.uniform(3, -1, 0, 1, "iptables", 0))
        .hasMessage("--pods-per-node -1 is negative (expected 0 to 110)");
    assertThatThrownBy(() -> Generator.Spec.uniform(3, 111, 0, 1, "iptables", 0))
        .hasMessage("--pods-per-node 111 is more than the kubelet's default maxPods (expected 0"
            + " to 110)");
    assertThatThrownBy(() -> Generator.Spec.uniform(2, 100, 0, 1, "iptables", 0))
        .hasMessageContaining("= 200 pods would put 200 on each of the 1 worker node(s)");
    assertThatThrownBy(() -> Generator.Spec.uniform(3, 1, -1, 1, "iptables", 0))
        .hasMessage("--services -1 is negative (expected 0 to 65278)");
    assertThatThrownBy(() -> Generator.Spec.uniform(3, 1, 70_000, 1, "iptables", 0))
        .hasMessage("--services 70000 is more than the service CIDR 10.96.0.0/16 holds"
            + " (expected 0 to 65278)");
    assertThatThrownBy(() -> Generator.Spec.uniform(3, 1, 1, 0, "iptables", 0))
        .hasMessage("--endpoints-per-service 0 is not a pod count (expected 1 or more)");
    assertThatThrownBy(() -> Generator.Spec.uniform(3, 10, 10, 4, "iptables", 0))
        .hasMessage("--services 10 x --endpoints-per-service need 40 pods but --nodes x"
            + " --pods-per-node gives 30 (expected at most 30 endpoints in all)");
    assertThatThrownBy(() -> Generator.Spec.uniform(3, 1, 0, 1, "userspace", 0))
        .hasMessageContaining("(expected iptables, ipvs or nftables)");
  }

  @Test
  void aServiceOfMoreThan100EndpointsHasSlicesOfAtMost100() {
    Cluster c = load(generate(Generator.Spec.uniform(5, 60, 1, 250, "iptables", 0)));

    Service s = c.services().stream().filter(GeneratorTest::isApplication).findFirst()
        .orElseThrow();
    assertThat(c.slicesOf(s)).extracting(e -> e.endpoints().size()).containsExactly(100, 100, 50);
    assertThat(c.slicesOf(s)).extracting(EndpointSlice::name).doesNotHaveDuplicates();
  }

  /** Slow (about a minute with generation): {@code -Dscale.limits=true}. */
  @Test
  @EnabledIfSystemProperty(named = "scale.limits", matches = "true")
  void theLimitsPresetGeneratesAndLoads(@TempDir Path dir) throws IOException {
    Path f = dir.resolve("limits.yaml");
    try (Writer w = Files.newBufferedWriter(f, StandardCharsets.UTF_8)) {
      Generator.write(Generator.Spec.limits("iptables", 0), w, Generator.Progress.NONE);
    }

    Cluster c = Kubewalk.loadCluster(f);

    assertThat(c.nodes()).hasSize(5_000);
    assertThat(c.pods().stream().filter(GeneratorTest::isApplication)).hasSize(150_000)
        .allSatisfy(p -> assertThat(p.podIp()).isNotNull());
    List<Service> services = c.services().stream().filter(GeneratorTest::isApplication).toList();
    assertThat(services).hasSize(10_000);
    assertThat(services.stream().mapToInt(s -> endpoints(c, s)).sum()).isEqualTo(150_000);
    assertThat(services.stream().mapToInt(s -> endpoints(c, s)).max().orElseThrow())
        .isEqualTo(250);
  }
}
