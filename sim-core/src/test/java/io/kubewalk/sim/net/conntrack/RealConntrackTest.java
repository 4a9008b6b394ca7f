package io.kubewalk.sim.net.conntrack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.kubewalk.sim.net.Ip;
import io.kubewalk.sim.net.Packet;
import io.kubewalk.sim.net.Protocol;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A DNATed connection whose SYN is never answered, made for real between two throwaway network
 * namespaces: the real {@code conntrack -L} prints its entry exactly as kubewalk's
 * {@link Conntrack.Entry#text()} does (the timeout, which counts down, aside).
 */
class RealConntrackTest {

  private static final long PID = ProcessHandle.current().pid() % 1000;
  private static final String A = "kw-ct" + PID + "a";
  private static final String B = "kw-ct" + PID + "b";

  private static String run(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor(30, TimeUnit.SECONDS);
    return out;
  }

  @Test
  void realConntrackListsTheEntryAsKubewalkDoes() throws Exception {
    assumeTrue("root".equals(System.getProperty("user.name")), "needs root for namespaces");
    assumeTrue(Files.isExecutable(Path.of("/usr/sbin/conntrack"))
        && Files.isExecutable(Path.of("/usr/sbin/iptables")), "needs conntrack and iptables");
    try {
      for (List<String> c : List.of(
          List.of("ip", "netns", "add", A), List.of("ip", "netns", "add", B),
          List.of("ip", "-n", A, "link", "add", "a0", "type", "veth", "peer", "name", "b0",
              "netns", B),
          List.of("ip", "-n", A, "addr", "add", "10.0.0.1/24", "dev", "a0"),
          List.of("ip", "-n", B, "addr", "add", "10.0.0.2/24", "dev", "b0"),
          List.of("ip", "-n", A, "link", "set", "a0", "up"),
          List.of("ip", "-n", B, "link", "set", "b0", "up"),
          List.of("ip", "-n", A, "route", "add", "default", "via", "10.0.0.2"),
          List.of("ip", "netns", "exec", B, "iptables", "-A", "INPUT", "-p", "tcp", "--dport",
              "8080", "-j", "DROP"),
          List.of("ip", "netns", "exec", A, "iptables", "-t", "nat", "-A", "OUTPUT", "-d",
              "10.96.0.80", "-p", "tcp", "--dport", "80", "-j", "DNAT", "--to-destination",
              "10.0.0.2:8080"))) {
        run(c.toArray(String[]::new));
      }
      String sport = run("ip", "netns", "exec", A, "python3", "-c", "import socket\n"
          + "s=socket.socket();s.settimeout(0.5);s.bind(('10.0.0.1',0))\n"
          + "print(s.getsockname()[1],flush=True)\n"
          + "try: s.connect(('10.96.0.80',80))\nexcept OSError: pass\n").strip();
      String real = run("ip", "netns", "exec", A, "conntrack", "-L", "-p", "tcp").lines()
          .filter(l -> l.startsWith("tcp ")).findFirst().orElse("");
      assertThat(real).as("the real conntrack entry").isNotEmpty();

      Conntrack ct = new Conntrack();
      Conntrack.Entry e = ct.create(Packet.of(Ip.parse("10.0.0.1"), Integer.parseInt(sport),
          Ip.parse("10.96.0.80"), 80, Protocol.TCP));
      e.dnatTo(Ip.parse("10.0.0.2"), 8080);
      assertThat(real.replaceFirst(" \\d+ SYN_SENT ", " T SYN_SENT "))
          .isEqualTo(e.text().replaceFirst(" \\d+ SYN_SENT ", " T SYN_SENT "));
    } finally {
      run("ip", "netns", "del", A);
      run("ip", "netns", "del", B);
    }
  }
}
