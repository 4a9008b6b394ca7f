package io.kubewalk.sim.cni;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.kubewalk.sim.Kubewalk;
import io.kubewalk.sim.Simulation;
import io.kubewalk.sim.api.Pod;
import io.kubewalk.sim.export.NetnsLab;
import io.kubewalk.sim.net.ns.Link;
import io.kubewalk.sim.net.ns.NetNamespace;
import io.kubewalk.sim.shell.iproute.IpCommand;
import io.kubewalk.sim.trace.Endpoints;
import io.kubewalk.sim.trace.Step;
import io.kubewalk.sim.trace.Trace;
import io.kubewalk.sim.trace.Verdict;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Builds a lesson's nodes and pods as real Linux network namespaces (names start with "kw-rk-"),
 * joined by an underlay bridge, with the script {@code kubewalk export netns} writes
 * ({@link NetnsLab}), and checks that the real kernel agrees with kubewalk: {@code ip
 * route get} for every pod pair, in every pod and on every node, prints exactly what kubewalk
 * prints, and a real TCP connection increments the counters of the devices the trace names.
 * Needs root, iproute2, VXLAN, python3 and curl; skipped with a message otherwise. Everything created is removed,
 * also on failure, and no packet leaves the namespaces made here.
 */
class RealKernelTest {

  /** Every namespace this test creates starts with this; nothing else is ever deleted. */
  private static final String PREFIX = "kw-rk" + ProcessHandle.current().pid() % 1000 + "-";

  private final Map<NetNamespace, String> names = new LinkedHashMap<>();
  private Path lab;
  private boolean created;

  @ParameterizedTest
  @ValueSource(strings = {"nodeport-vs-clusterip", "flannel-host-gw"})
  void realKernelAgreesWithKubewalk(String lesson) throws Exception {
    assumeTrue(canBuildNamespaces(), "needs root, iproute2 and vxlan (ip netns, veth, bridge)");
    Simulation sim = Kubewalk.lesson(lesson);
    Dataplane dp = sim.dataplane();
    cleanupLeftovers();
    try {
      build(sim);
      List<Pod> pods = sim.cluster().pods().stream()
          .filter(p -> !p.hostNetwork() && dp.pod(p).isPresent()).toList();
      List<NetNamespace> sources = new ArrayList<>(dp.nodes().values());
      pods.forEach(p -> sources.add(dp.pod(p).orElseThrow()));
      int compared = 0;
      for (NetNamespace src : sources) {
        for (Pod dst : pods) {
          String model = new IpCommand(src, dp::netnsId)
              .run(List.of("ip", "route", "get", dst.podIp().toString())).out();
          String real = sh("ip", "-n", names.get(src), "route", "get", dst.podIp().toString());
          assertThat(real).as("ip route get %s in %s", dst.podIp(), src.name())
              .isEqualTo(model);
          compared++;
        }
      }
      assertThat(compared).isGreaterThan(pods.size());
      connectAndCompareDevices(sim, dp, pods);
    } finally {
      cleanup();
    }
  }

  /**
   * The Service fixture of the packet-flow table built in real namespaces with each node's
   * generated iptables rules loaded by the real iptables-restore: real TCP connections to a
   * ClusterIP, a NodePort (externalTrafficPolicy Cluster and Local, from a client outside the
   * cluster), a hairpin and a Service without endpoints end as kubewalk's traces say, are served
   * by the pods kubewalk names, and the server sees the source address kubewalk predicts.
   */
  @Test
  void serviceConnectionsAgreeWithTheRealKernel() throws Exception {
    assumeTrue(canBuildNamespaces(), "needs root, iproute2 and vxlan (ip netns, veth, bridge)");
    assumeTrue(Stream.of("/usr/sbin/iptables-restore", "/usr/bin/curl")
        .allMatch(t -> Files.isExecutable(Path.of(t))), "needs iptables-restore and curl");
    Simulation sim;
    try (var in = getClass().getResourceAsStream("/io/kubewalk/sim/proxy/services.yaml")) {
      sim = Kubewalk.fromYaml("services.yaml", new String(in.readAllBytes(),
          StandardCharsets.UTF_8));
    }
    Dataplane dp = sim.dataplane();
    cleanupLeftovers();
    try {
      // the lab loads every node's iptables-save into the real iptables-restore, gives the
      // outside namespace (laptop) the gateway 192.168.56.1 and 203.0.113.7, and runs an HTTP
      // server answering "POD CLIENT_IP" on each declared TCP port (web-a/b 8080, solo 80)
      build(sim);
      String ext = PREFIX + NetnsLab.outsideNamespace(sim.cluster());
      String client = names.get(dp.pod(sim.cluster().pod("default", "client").orElseThrow())
          .orElseThrow());
      String solo = names.get(dp.pod(sim.cluster().pod("default", "solo").orElseThrow())
          .orElseThrow());
      compare(sim, "pod/default/client", null, client, null, "10.96.100.10", 80);
      compare(sim, "ip/203.0.113.7", "node/node01", ext, "203.0.113.7", "192.168.56.11", 30080);
      compare(sim, "ip/203.0.113.7", "node/node01", ext, "203.0.113.7", "192.168.56.11", 30081);
      compare(sim, "ip/203.0.113.7", "node/node02", ext, "203.0.113.7", "192.168.56.12", 30081);
      compare(sim, "pod/default/solo", null, solo, null, "10.96.100.20", 80);
      compare(sim, "pod/default/client", null, client, null, "10.96.100.16", 80);
    } finally {
      cleanup();
    }
  }

  /**
   * Sixteen real connections against sixteen seeded traces: the outcomes (who served, which
   * source address it saw, or refused / timed out) must be the same set.
   */
  private void compare(Simulation sim, String from, String enter, String realNs, String bindSrc,
      String dst, int port) throws Exception {
    Set<String> model = new TreeSet<>();
    for (long seed = 0; seed < 16; seed++) {
      Trace t = sim.trace(Endpoints.parseFrom(from, enter),
          Endpoints.parseTo(dst + ":" + port + "/tcp"), seed);
      model.add(switch (t.verdict()) {
        case DELIVERED -> t.deliveredTo().name().replace("default/", "") + " "
            + t.sourceSeen().substring(0, t.sourceSeen().indexOf(':'));
        case REJECTED -> "REFUSED";
        default -> "TIMEOUT";
      });
    }
    String script = "import socket\nfor i in range(16):\n"
        + " c=socket.socket();c.settimeout(1.0)\n"
        + (bindSrc == null ? "" : " c.bind(('" + bindSrc + "',0))\n")
        + " try:\n  c.connect(('" + dst + "'," + port + "))\n"
        + "  c.sendall(b'GET / HTTP/1.0\\r\\n\\r\\n');d=b''\n"
        + "  while True:\n   k=c.recv(4096)\n   if not k: break\n   d+=k\n"
        + "  print(d.split(b'\\r\\n\\r\\n',1)[1].decode().strip())\n"
        + " except ConnectionRefusedError:\n  print('REFUSED')\n"
        + " except OSError:\n  print('TIMEOUT')\n"
        + " c.close()\n";
    String out = sh("ip", "netns", "exec", realNs, "python3", "-c", script);
    Set<String> real = new TreeSet<>(List.of(out.strip().split("\n")));
    assertThat(real).as("real connections from %s to %s:%d", from, dst, port).isEqualTo(model);
  }

  /** A real TCP connection between two pods on different nodes crosses the traced devices. */
  private void connectAndCompareDevices(Simulation sim, Dataplane dp, List<Pod> pods)
      throws Exception {
    Pod client = sim.cluster().pod("default", "client").orElseThrow();
    Pod server = pods.stream().filter(p -> !p.nodeName().equals(client.nodeName())
        && !p.namespace().equals("kube-system")).findFirst().orElseThrow();
    int port = 80;
    Trace t = sim.trace("pod/default/client", "pod/" + server.key() + ":" + port + "/tcp", 0);
    assertThat(t.verdict()).isEqualTo(Verdict.DELIVERED);
    Map<String, Long> before = counters(dp);
    // the lab's HTTP server on the pod's declared port answers "POD CLIENT_IP"
    String got = sh("ip", "netns", "exec", names.get(dp.pod(client).orElseThrow()), "curl", "-s",
        "-m", "5", "http://" + server.podIp() + ":" + port + "/");
    assertThat(got.strip()).isEqualTo(server.name() + " " + client.podIp());
    Map<String, Long> after = counters(dp);
    for (Step s : t.steps()) {
      if (s.device() == null || s.netns().equals("node-network")) {
        continue;
      }
      String key = s.node() + "/" + s.netns() + "/" + s.device();
      if (after.containsKey(key)) {
        assertThat(after.get(key)).as("packets on %s", key).isGreaterThan(before.get(key));
      }
    }
  }

  private Map<String, Long> counters(Dataplane dp) throws IOException, InterruptedException {
    Map<String, Long> m = new LinkedHashMap<>();
    for (Map.Entry<NetNamespace, String> e : names.entrySet()) {
      for (Link l : e.getKey().links()) {
        if (l.kind() == Link.Kind.LOOPBACK) {
          continue;
        }
        String rx = sh("ip", "netns", "exec", e.getValue(), "cat",
            "/sys/class/net/" + l.name() + "/statistics/rx_packets").strip();
        String tx = sh("ip", "netns", "exec", e.getValue(), "cat",
            "/sys/class/net/" + l.name() + "/statistics/tx_packets").strip();
        m.put(e.getKey().node() + "/" + e.getKey().name() + "/" + l.name(),
            Long.parseLong(rx) + Long.parseLong(tx));
      }
    }
    return m;
  }

  // ---- building the lesson in real namespaces --------------------------------------------

  /**
   * Builds the scenario with the script {@code kubewalk export netns} writes (nodes, pods,
   * underlay, routes, iptables rules, the outside namespace and a server per pod port), so that
   * this test and the lab share one builder.
   */
  private void build(Simulation sim) throws IOException, InterruptedException {
    Dataplane dp = sim.dataplane();
    Path script = Files.createTempFile("kw-lab", ".sh");
    try {
      Files.writeString(script, NetnsLab.script(sim));
      lab = script;
      created = true;
      ProcessBuilder pb = new ProcessBuilder("bash", script.toString(), "up");
      pb.environment().put("KW_LAB_PREFIX", PREFIX);
      Process p = pb.redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IOException("lab.sh up failed: " + out);
      }
    } catch (IOException | InterruptedException | RuntimeException e) {
      Files.deleteIfExists(script);
      lab = null;
      throw e;
    }
    dp.nodes().forEach((node, ns) -> names.put(ns, PREFIX + NetnsLab.nodeNamespace(node)));
    for (Pod p : sim.cluster().pods()) {
      dp.pod(p).ifPresent(ns -> names.put(ns, PREFIX + NetnsLab.podNamespace(p)));
    }
  }

  // ---- process plumbing ----------------------------------------------------------------------

  private static boolean canBuildNamespaces() {
    try {
      if (!"root".equals(System.getProperty("user.name"))) {
        return false;
      }
      new ProcessBuilder("ip", "netns", "del", PREFIX + "probe").start().waitFor();
      Process p = new ProcessBuilder("ip", "netns", "add", PREFIX + "probe").start();
      if (p.waitFor() != 0) {
        return false;
      }
      Process v = new ProcessBuilder("ip", "-n", PREFIX + "probe", "link", "add", "vx", "type",
          "vxlan",
          "id", "1", "dstport", "8472").start();
      boolean ok = v.waitFor() == 0;
      new ProcessBuilder("ip", "netns", "del", PREFIX + "probe").start().waitFor();
      return ok && new ProcessBuilder("python3", "-c", "1").start().waitFor() == 0
          && new ProcessBuilder("bash", "-c", "command -v curl ss bridge").start().waitFor() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  private static void cleanupLeftovers() throws IOException, InterruptedException {
    for (String line : sh("ip", "netns", "list").split("\n")) {
      String n = line.split(" ")[0];
      if (n.startsWith(PREFIX)) {
        new ProcessBuilder("ip", "netns", "del", n).start().waitFor();
      }
    }
  }

  private void cleanup() throws IOException, InterruptedException {
    if (lab != null) {
      ProcessBuilder pb = new ProcessBuilder("bash", lab.toString(), "down");
      pb.environment().put("KW_LAB_PREFIX", PREFIX);
      pb.redirectErrorStream(true).start().waitFor(60, TimeUnit.SECONDS);
      Files.deleteIfExists(lab);
      lab = null;
    }
    if (created) {
      cleanupLeftovers();
    }
  }

  private static String sh(String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException(String.join(" ", cmd) + " failed: " + out);
    }
    return out;
  }
}
