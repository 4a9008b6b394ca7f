package io.kubewalk.sim.proxy.nftables;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.kubewalk.sim.net.nftables.NftTable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Feeds the generated table to the real {@code nft} inside a throwaway network namespace named
 * {@code kw-nft-...}. Skipped (with the reason) when nft or ip is missing or we are not root.
 */
class RealNftTest {

  private String netns;

  record Run(int code, String out) {}

  static Run run(String stdin, String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    if (stdin != null) {
      p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
    }
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("timed out: " + String.join(" ", cmd));
    }
    return new Run(p.exitValue(), out);
  }

  private static boolean onPath(String tool) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (Files.isExecutable(Path.of(dir, tool))) {
        return true;
      }
    }
    return Files.isExecutable(Path.of("/usr/sbin", tool));
  }

  @BeforeEach
  void createNamespace() throws Exception {
    assumeTrue(onPath("nft"), "nft is not installed (apt-get install nftables)");
    assumeTrue(onPath("ip"), "ip (iproute2) is not installed");
    assumeTrue("root".equals(System.getProperty("user.name")),
        "needs root for a network namespace and CAP_NET_ADMIN");
    netns = String.format(Locale.ROOT, "kw-nft-%d", ProcessHandle.current().pid());
    Run r = run(null, "ip", "netns", "add", netns);
    assumeTrue(r.code() == 0, "cannot create a network namespace: " + r.out());
  }

  @AfterEach
  void deleteNamespace() throws Exception {
    if (netns != null) {
      run(null, "ip", "netns", "delete", netns);
    }
  }

  @Test
  void realNftAcceptsTheGeneratedTransaction() throws Exception {
    NftTable t = NftablesProxierTest.overallTable();
    Run check = run(t.transaction(), "ip", "netns", "exec", netns, "nft", "-c", "-f", "-");
    assertThat(check.out()).isEmpty();
    assertThat(check.code()).isZero();
  }

  @Test
  void realNftListsTheTableAsWeRenderIt() throws Exception {
    NftTable t = NftablesProxierTest.overallTable();
    Run load = run(t.transaction(), "ip", "netns", "exec", netns, "nft", "-f", "-");
    assertThat(load.code()).as(load.out()).isZero();
    Run list = run(null, "ip", "netns", "exec", netns, "nft", "list", "table", "ip",
        "kube-proxy");
    assertThat(list.code()).isZero();
    // The kernel prints set elements in hash order; compare element blocks as sets.
    assertThat(sortElements(list.out())).isEqualTo(sortElements(t.list()));
  }

  static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> lessonNodes() {
    return io.kubewalk.sim.Kubewalk.lessons().stream().flatMap(l -> io.kubewalk.sim.Kubewalk
        .lesson(l.name()).cluster().nodes().stream()
        .map(n -> org.junit.jupiter.params.provider.Arguments.of(l.name(), n.name())));
  }

  /**
   * Every node of every lesson in nftables mode: the table {@code kubewalk exec --proxy-mode
   * nftables NODE -- nft list table ip kube-proxy} shows is loaded by the real nft, which lists
   * it back the same.
   */
  @org.junit.jupiter.params.ParameterizedTest(name = "{0} {1}")
  @org.junit.jupiter.params.provider.MethodSource("lessonNodes")
  void realNftLoadsEveryLessonNodesTable(String lesson, String node) throws Exception {
    io.kubewalk.sim.Simulation sim = io.kubewalk.sim.Kubewalk.lesson(lesson)
        .withProxyMode(io.kubewalk.sim.api.ProxyConfig.Mode.nftables);
    NftTable t = sim.kubeProxy().nft(node);
    Run load = run(t.transaction(), "ip", "netns", "exec", netns, "nft", "-f", "-");
    assertThat(load.code()).as(load.out()).isZero();
    Run list = run(null, "ip", "netns", "exec", netns, "nft", "list", "table", "ip",
        "kube-proxy");
    assertThat(sortElements(list.out())).isEqualTo(sortElements(
        sim.exec(node, "nft", "list", "table", "ip", "kube-proxy").out()));
  }

  /** The Done-when: what {@code exec ... -- nft list ruleset} prints is valid nft input. */
  @Test
  void realNftAcceptsTheListedRuleset() throws Exception {
    String ruleset = io.kubewalk.sim.Kubewalk.lesson("nodeport-vs-clusterip")
        .withProxyMode(io.kubewalk.sim.api.ProxyConfig.Mode.nftables)
        .exec("node01", "nft", "list", "ruleset").out();
    Run check = run(ruleset, "ip", "netns", "exec", netns, "nft", "-c", "-f", "-");
    assertThat(check.out()).isEmpty();
    assertThat(check.code()).isZero();
  }

  /** Puts the elements of every {@code elements = { ... }} block on one line, sorted. */
  static String sortElements(String listing) {
    StringBuilder out = new StringBuilder();
    String[] lines = listing.split("\n");
    for (int i = 0; i < lines.length; i++) {
      String l = lines[i];
      int at = l.indexOf("elements = { ");
      if (at < 0) {
        out.append(l).append('\n');
        continue;
      }
      StringBuilder block = new StringBuilder(l.substring(at + "elements = { ".length()));
      while (!block.toString().endsWith(" }")) {
        block.append(' ').append(lines[++i].trim());
      }
      String body = block.substring(0, block.length() - 2);
      List<String> els = new ArrayList<>(List.of(body.split(",\\s*")));
      els.replaceAll(String::trim);
      els.sort(null);
      out.append(l, 0, at).append("elements = ").append(els).append('\n');
    }
    return out.toString();
  }
}
