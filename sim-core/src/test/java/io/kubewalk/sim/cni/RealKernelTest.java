package io.kubewalk.sim.cni;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.kubewalk.sim.Kubewalk;
import io.kubewalk.sim.Simulation;
import io.kubewalk.sim.api.Pod;
import io.kubewalk.sim.net.IfAddr;
import io.kubewalk.sim.net.ns.Link;
import io.kubewalk.sim.net.ns.NetNamespace;
import io.kubewalk.sim.net.ns.Route;
import io.kubewalk.sim.shell.iproute.IpCommand;
import io.kubewalk.sim.trace.Endpoints;
import io.kubewalk.sim.trace.Step;
import io.kubewalk.sim.trace.Trace;
import io.kubewalk.sim.trace.Verdict;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
 * joined by an underlay bridge, and checks that the real kernel agrees with kubewalk: {@code ip
 * route get} for every pod pair, in every pod and on every node, prints exactly what kubewalk
 * prints, and a real TCP connection increments the counters of the devices the trace names.
 * Needs root, iproute2 and VXLAN; skipped with a message otherwise. Everything created is removed,
 * also on failure, and no packet leaves the namespaces made here.
 */
class RealKernelTest {

  /** Every namespace this test creates starts with this; nothing else is ever deleted. */
  private static final String PREFIX = "kw-rk" + ProcessHandle.current().pid() % 1000 + "-";

  private final Map<NetNamespace, String> names = new LinkedHashMap<>();
  private final List<String> created = new ArrayList<>();

  @ParameterizedTest
  @ValueSource(strings = {"nodeport-vs-clusterip", "flannel-host-gw"})
  void realKernelAgreesWithKubewalk(String lesson) throws Exception {
    assumeTrue(canBuildNamespaces(), "needs root, iproute2 and vxlan (ip netns, veth, bridge)");
    Simulation sim = Kubewalk.lesson(lesson);
    Dataplane dp = sim.dataplane();
    cleanupLeftovers();
    try {
      build(dp);
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
    assumeTrue(Stream.of("/usr/sbin/iptables-restore", "/usr/sbin/nfacct")
        .allMatch(t -> java.nio.file.Files.isExecutable(java.nio.file.Path.of(t))),
        "needs iptables-restore and nfacct");
    Simulation sim;
    try (var in = getClass().getResourceAsStream("/io/kubewalk/sim/proxy/services.yaml")) {
      sim = Kubewalk.fromYaml("services.yaml", new String(in.readAllBytes(),
          StandardCharsets.UTF_8));
    }
    Dataplane dp = sim.dataplane();
    cleanupLeftovers();
    List<Process> servers = new ArrayList<>();
    try {
      build(dp);
      for (Map.Entry<String, NetNamespace> n : dp.nodes().entrySet()) {
        String ns = names.get(n.getValue());
        sh("ip", "netns", "exec", ns, "nfacct", "add", "ct_state_invalid_dropped_pkts");
        sh("ip", "netns", "exec", ns, "nfacct", "add", "localhost_nps_accepted_pkts");
        sh("ip", "netns", "exec", ns, "sysctl", "-qw", "net.bridge.bridge-nf-call-iptables=1");
        // the kernel rate-limits ICMP errors per destination (1/s): sixteen quick REJECTs
        // would otherwise look like timeouts
        sh("ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv4.icmp_ratelimit=0");
        shIn(sim.exec(n.getKey(), "iptables-save").out(), "ip", "netns", "exec", ns,
            "iptables-restore");
      }
      String ext = PREFIX + "ext";
      netns(ext);
      sh("ip", "-n", PREFIX + "underlay", "link", "add", "kw-rk-ext", "type", "veth", "peer",
          "name", "eth0", "netns", ext);
      sh("ip", "-n", PREFIX + "underlay", "link", "set", "kw-rk-ext", "master", "br0", "up");
      sh("ip", "-n", ext, "addr", "add", "192.168.56.1/24", "dev", "eth0");
      sh("ip", "-n", ext, "addr", "add", "203.0.113.7/32", "dev", "eth0");
      sh("ip", "-n", ext, "link", "set", "eth0", "up");
      for (String pod : List.of("web-a", "web-b", "solo")) {
        Pod p = sim.cluster().pod("default", pod).orElseThrow();
        int port = pod.equals("solo") ? 80 : 8080;
        servers.add(new ProcessBuilder("ip", "netns", "exec", names.get(dp.pod(p).orElseThrow()),
            "python3", "-c", "import socket\ns=socket.socket()\n"
                + "s.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1)\n"
                + "s.bind(('0.0.0.0'," + port + "));s.listen(64);s.settimeout(60)\n"
                + "while True:\n c,a=s.accept();c.sendall(('" + pod + " '+a[0]).encode());"
                + "c.close()").redirectErrorStream(true).start());
      }
      Thread.sleep(500);
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
      servers.forEach(Process::destroyForcibly);
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
        + " try:\n  c.connect(('" + dst + "'," + port + "));print(c.recv(64).decode())\n"
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
    String serverNs = names.get(dp.pod(server).orElseThrow());
    Process listener = new ProcessBuilder("ip", "netns", "exec", serverNs, "python3", "-c",
        "import socket;s=socket.socket();s.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1);"
            + "s.bind(('" + server.podIp() + "'," + port + "));s.listen();s.settimeout(10);"
            + "c,_=s.accept();c.sendall(b'kw');c.close()").redirectErrorStream(true).start();
    try {
      Thread.sleep(400);
      String got = sh("ip", "netns", "exec", names.get(dp.pod(client).orElseThrow()), "python3",
          "-c", "import socket;c=socket.create_connection(('" + server.podIp() + "'," + port
              + "),timeout=5);print(c.recv(2).decode())");
      assertThat(got.strip()).isEqualTo("kw");
    } finally {
      listener.waitFor(10, TimeUnit.SECONDS);
      listener.destroyForcibly();
    }
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

  private void build(Dataplane dp) throws IOException, InterruptedException {
    String underlay = PREFIX + "underlay";
    netns(underlay);
    sh("ip", "-n", underlay, "link", "add", "br0", "type", "bridge");
    sh("ip", "-n", underlay, "link", "set", "br0", "up");
    int i = 0;
    for (NetNamespace ns : dp.nodes().values()) {
      String name = PREFIX + "n" + i++;
      names.put(ns, name);
      netns(name);
    }
    int p = 0;
    for (NetNamespace ns : dp.nodes().values()) {
      for (Link l : ns.links()) {
        if (l.kind() == Link.Kind.VETH && l.peer() != null && !names.containsKey(
            l.peer().namespace())) {
          names.put(l.peer().namespace(), PREFIX + "p" + p++);
          netns(names.get(l.peer().namespace()));
        }
      }
    }
    int u = 0;
    for (NetNamespace ns : dp.nodes().values()) {
      String n = names.get(ns);
      sh("ip", "netns", "exec", n, "sysctl", "-qw", "net.ipv4.ip_forward="
          + ns.sysctl("net.ipv4.ip_forward"));
      for (Link l : ns.links()) {
        if (l.kind() == Link.Kind.ETHER) {
          String outside = "kw-rk-u" + u++;
          sh("ip", "-n", underlay, "link", "add", outside, "type", "veth", "peer", "name",
              l.name(), "netns", n);
          sh("ip", "-n", underlay, "link", "set", outside, "master", "br0", "up");
          linkSetup(n, l);
        }
      }
      for (Link l : ns.links()) {
        if (l.kind() == Link.Kind.BRIDGE) {
          sh("ip", "-n", n, "link", "add", l.name(), "type", "bridge");
          linkSetup(n, l);
        } else if (l.kind() == Link.Kind.VXLAN) {
          sh("ip", "-n", n, "link", "add", l.name(), "type", "vxlan", "id",
              String.valueOf(l.vni()), "local", l.vxlanLocal().toString(), "dev",
              l.vxlanDevice().name(), "dstport", String.valueOf(l.vxlanPort()), "nolearning");
          linkSetup(n, l);
        }
      }
    }
    for (NetNamespace ns : dp.nodes().values()) {
      String n = names.get(ns);
      for (Link l : ns.links()) {
        if (l.kind() == Link.Kind.VETH) {
          String pn = names.get(l.peer().namespace());
          sh("ip", "-n", n, "link", "add", l.name(), "type", "veth", "peer", "name",
              l.peer().name(), "netns", pn);
          linkSetup(n, l);
          linkSetup(pn, l.peer());
          if (l.master() != null) {
            sh("ip", "-n", n, "link", "set", l.name(), "master", l.master().name());
            if (l.hairpin()) {
              sh("ip", "-n", n, "link", "set", l.name(), "type", "bridge_slave", "hairpin", "on");
            }
          }
        }
      }
    }
    for (Map.Entry<NetNamespace, String> e : names.entrySet()) {
      NetNamespace ns = e.getKey();
      for (Route r : ns.routes()) {
        if (r.table().equals("main") && !"kernel".equals(r.proto())) {
          List<String> cmd = new ArrayList<>(List.of("ip", "-n", e.getValue(), "route", "add",
              r.dst().toString()));
          if (r.via() != null) {
            cmd.addAll(List.of("via", r.via().toString()));
          }
          cmd.addAll(List.of("dev", r.dev().name()));
          if (r.proto() != null) {
            cmd.addAll(List.of("proto", r.proto()));
          }
          if (!r.scope().equals("global")) {
            cmd.addAll(List.of("scope", r.scope()));
          }
          if (r.src() != null) {
            cmd.addAll(List.of("src", r.src().toString()));
          }
          if (r.onlink()) {
            cmd.add("onlink");
          }
          sh(cmd.toArray(String[]::new));
        }
      }
      for (NetNamespace.Neighbour nb : ns.neighbours()) {
        sh("ip", "-n", e.getValue(), "neigh", "add", nb.ip().toString(), "lladdr", nb.mac(),
            "dev", nb.dev().name(), "nud", "permanent");
      }
      for (Link l : ns.links()) {
        for (Link.Fdb f : l.fdb()) {
          if (f.dst() != null) {
            sh("bridge", "-n", e.getValue(), "fdb", "append", f.mac(), "dev", l.name(), "dst",
                f.dst().toString(), "self", "permanent");
          }
        }
      }
    }
  }

  private void linkSetup(String ns, Link l) throws IOException, InterruptedException {
    sh("ip", "-n", ns, "link", "set", l.name(), "address", l.mac(), "mtu",
        String.valueOf(l.mtu()));
    for (IfAddr a : l.addresses()) {
      List<String> cmd = new ArrayList<>(List.of("ip", "-n", ns, "addr", "add", a.toString()));
      if (a.prefix() < 31) {
        cmd.addAll(List.of("brd", "+"));
      }
      boolean kernelRoute = l.namespace().routes().stream().anyMatch(r -> r.dev() == l
          && "kernel".equals(r.proto()) && r.table().equals("main"));
      if (a.prefix() < 32 && !kernelRoute) {
        cmd.add("noprefixroute");
      }
      cmd.addAll(List.of("dev", l.name()));
      sh(cmd.toArray(String[]::new));
    }
    sh("ip", "-n", ns, "link", "set", l.name(), "up");
  }

  // ---- process plumbing ----------------------------------------------------------------------

  private void netns(String name) throws IOException, InterruptedException {
    sh("ip", "netns", "add", name);
    created.add(name);
    sh("ip", "-n", name, "link", "set", "lo", "up");
  }

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
      return ok && new ProcessBuilder("python3", "-c", "1").start().waitFor() == 0;
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
    for (String n : created) {
      new ProcessBuilder("ip", "netns", "del", n).start().waitFor();
    }
  }

  private static void shIn(String input, String... cmd) throws IOException,
      InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    p.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException(String.join(" ", cmd) + " failed: " + out);
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
