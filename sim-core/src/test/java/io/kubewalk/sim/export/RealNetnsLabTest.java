package io.kubewalk.sim.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.kubewalk.sim.Kubewalk;
import io.kubewalk.sim.Simulation;
import io.kubewalk.sim.api.Pod;
import io.kubewalk.sim.api.ProxyConfig;
import io.kubewalk.sim.trace.Endpoints;
import io.kubewalk.sim.trace.Trace;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Runs {@code kubewalk export netns} labs for real (root only; skipped otherwise): the script
 * builds the lesson in namespaces named {@code kwl<pid>-*}, real curl connections end as
 * kubewalk's seeded traces say (who answered, which source address the pod saw, refused or timed
 * out), a second {@code up} is refused, and {@code down} leaves no namespace with the prefix.
 */
class RealNetnsLabTest {

  /** Every namespace this test's labs create starts with this; nothing else is ever deleted. */
  private static final String PREFIX = "kwl" + ProcessHandle.current().pid() % 1000 + "-";

  /** A connection to check: from (a trace's --from), enter (--enter), the real namespace, to. */
  private record Probe(String from, String enter, String realNs, String to, int tries) {}

  @ParameterizedTest
  @ValueSource(strings = {"clusterip", "externaltrafficpolicy-local", "no-endpoints",
      "clusterip@nftables"})
  void labBuildsBehavesAsTheTracesSayAndTearsDown(String lessonAndMode, @TempDir Path dir)
      throws Exception {
    assumeTrue(canRun(), "needs root, iproute2, vxlan, iptables-restore, python3 and curl");
    String lesson = lessonAndMode.split("@")[0];
    Simulation sim = Kubewalk.lesson(lesson);
    if (lessonAndMode.contains("@")) {
      assumeTrue(run("bash", "-c", "command -v nft").code() == 0, "needs nft");
      sim = sim.withProxyMode(ProxyConfig.Mode.parse(lessonAndMode.split("@")[1]));
    }
    Path lab = dir.resolve("lab.sh");
    Files.writeString(lab, NetnsLab.script(sim));
    deleteLeftovers();
    try {
      Result up = lab(lab, "up");
      assertThat(up.code()).as("up: %s", up.out()).isZero();
      assertThat(up.out()).contains("lab.sh: built " + lesson);
      for (Probe p : probes(sim, lesson)) {
        compare(sim, p);
      }
      Result again = lab(lab, "up");
      assertThat(again.code()).isEqualTo(1);
      assertThat(again.out()).contains("a lab with prefix '" + PREFIX + "' already exists");
      Result down = lab(lab, "down");
      assertThat(down.code()).as("down: %s", down.out()).isZero();
      assertThat(namespaces()).as("namespaces left after down").isEmpty();
      assertThat(lab(lab, "down").code()).as("down again").isZero();
    } finally {
      lab(lab, "down");
      deleteLeftovers();
    }
  }

  private static List<Probe> probes(Simulation sim, String lesson) {
    String outside = PREFIX + NetnsLab.outsideNamespace(sim.cluster());
    String laptop = "ip/203.0.113.7";
    return switch (lesson) {
      case "clusterip" -> List.of(
          new Probe("pod/default/client", null, ns(sim, "client"), "10.96.0.80:80", 16),
          // hairpin: web-1 reaches itself through the Service, masqueraded
          new Probe("pod/default/web-1", null, ns(sim, "web-1"), "10.96.0.80:80", 16));
      case "externaltrafficpolicy-local" -> List.of(
          new Probe(laptop, "node/node01", outside, "192.168.56.11:30080", 4),
          new Probe(laptop, "node/node02", outside, "192.168.56.12:30080", 4),
          new Probe(laptop, "node/node01", outside, "192.168.56.11:30081", 4),
          new Probe(laptop, "node/node02", outside, "192.168.56.12:30081", 2),
          // the lab routes the load balancer's IP to the first worker, node01
          new Probe(laptop, "node/node01", outside, "198.51.100.11:80", 4));
      case "no-endpoints" -> List.of(
          new Probe("pod/default/client", null, ns(sim, "client"), "10.96.0.90:80", 4),
          new Probe(laptop, "node/node01", outside, "192.168.56.11:30090", 4));
      default -> throw new IllegalArgumentException(lesson);
    };
  }

  private static String ns(Simulation sim, String pod) {
    Pod p = sim.cluster().pod("default", pod).orElseThrow();
    return PREFIX + NetnsLab.podNamespace(p);
  }

  /** The outcomes of {@code tries} real curls equal those of as many seeded traces. */
  private static void compare(Simulation sim, Probe p) throws Exception {
    Set<String> model = new TreeSet<>();
    for (long seed = 0; seed < p.tries(); seed++) {
      Trace t = sim.trace(Endpoints.parseFrom(p.from(), p.enter()),
          Endpoints.parseTo(p.to() + "/tcp"), seed);
      model.add(switch (t.verdict()) {
        case DELIVERED -> t.deliveredTo().name().substring(t.deliveredTo().name()
            .lastIndexOf('/') + 1) + " " + t.sourceSeen().substring(0,
            t.sourceSeen().lastIndexOf(':'));
        case REJECTED -> "REFUSED";
        default -> "TIMEOUT";
      });
    }
    String loop = "for i in $(seq " + p.tries() + "); do"
        + " if out=$(curl -s -m 1 http://" + p.to() + "/); then echo \"$out\";"
        + " elif [ $? -eq 7 ]; then echo REFUSED; else echo TIMEOUT; fi; done";
    Result r = run("ip", "netns", "exec", p.realNs(), "bash", "-c", loop);
    Set<String> real = new TreeSet<>(List.of(r.out().strip().split("\n")));
    assertThat(real).as("real curls from %s (%s) to %s", p.from(), p.realNs(), p.to())
        .isEqualTo(model);
  }

  // ---- process plumbing ----------------------------------------------------------------------

  private record Result(int code, String out) {}

  private static Result lab(Path script, String cmd) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder("bash", script.toString(), cmd);
    pb.environment().putAll(Map.of("KW_LAB_PREFIX", PREFIX));
    return run(pb);
  }

  private static Result run(String... cmd) throws IOException, InterruptedException {
    return run(new ProcessBuilder(cmd));
  }

  private static Result run(ProcessBuilder pb) throws IOException, InterruptedException {
    Process p = pb.redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException(String.join(" ", pb.command()) + " timed out: " + out);
    }
    return new Result(p.exitValue(), out);
  }

  private static List<String> namespaces() throws IOException, InterruptedException {
    return Stream.of(run("ip", "netns", "list").out().split("\n"))
        .map(l -> l.split(" ")[0]).filter(n -> n.startsWith(PREFIX)).toList();
  }

  private static void deleteLeftovers() throws IOException, InterruptedException {
    for (String n : namespaces()) {
      run("ip", "netns", "del", n);
    }
  }

  private static boolean canRun() {
    try {
      if (!"root".equals(System.getProperty("user.name"))) {
        return false;
      }
      Result tools = run("bash", "-c", "command -v ip bridge iptables-restore python3 curl");
      if (tools.code() != 0 || tools.out().lines().count() != 5) {
        return false;
      }
      String probe = PREFIX + "probe";
      run("ip", "netns", "del", probe);
      if (run("ip", "netns", "add", probe).code() != 0) {
        return false;
      }
      boolean ok = run("ip", "-n", probe, "link", "add", "vx", "type", "vxlan", "id", "1",
          "dstport", "8472").code() == 0;
      run("ip", "netns", "del", probe);
      return ok;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }
}
