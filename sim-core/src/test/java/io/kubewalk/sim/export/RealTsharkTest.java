package io.kubewalk.sim.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.kubewalk.sim.Kubewalk;
import io.kubewalk.sim.Simulation;
import io.kubewalk.sim.net.Packet;
import io.kubewalk.sim.trace.Step;
import io.kubewalk.sim.trace.Trace;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opens the pcapng of the flannel cross-node trace with the real tshark and checks what Wireshark
 * shows: per-hop interfaces, comments and addresses, VXLAN VNI 1 on UDP 8472 between the node IPs
 * around the pod-to-pod TCP SYN, and every checksum good. Skipped only when tshark is not on PATH
 * (CI installs it).
 */
class RealTsharkTest {

  static final List<String> FIELDS = List.of("frame.interface_name", "ip.src", "ip.dst",
      "vxlan.vni", "udp.dstport", "tcp.flags.syn", "tcp.flags.ack", "ip.checksum.status",
      "udp.checksum.status", "tcp.checksum.status", "frame.comment");

  static Path tshark() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path p = Path.of(dir.isEmpty() ? "." : dir, "tshark");
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    return null;
  }

  /** tshark's fields (FIELDS, tab-separated) for every packet of the trace's pcapng. */
  private static String dissect(Path tshark, Trace trace, Simulation sim, Path dir)
      throws Exception {
    Path file = dir.resolve("trace.pcapng");
    Files.write(file, Pcap.bytes(trace, sim.dataplane()));
    List<String> cmd = new ArrayList<>(List.of(tshark.toString(), "-r", file.toString(),
        "-o", "ip.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE",
        "-o", "udp.check_checksum:TRUE", "-d", "udp.port==8472,vxlan", "-T", "fields"));
    for (String f : FIELDS) {
      cmd.add("-e");
      cmd.add(f);
    }
    Process p = new ProcessBuilder(cmd).redirectError(dir.resolve("stderr").toFile())
        .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(Files.readString(dir.resolve("stderr"))).isZero();
    return out;
  }

  /**
   * The cross-node ClusterIP flow of the clusterip lesson: tshark sees the SYN leave the client
   * for the ClusterIP, the DNAT to the pod on node02, the VXLAN hop between the node IPs (VNI 1,
   * UDP 8472) carrying the DNATed SYN, and every checksum good.
   */
  @Test
  void tsharkDecodesTheCrossNodeClusterIpTrace(@TempDir Path dir) throws Exception {
    Path tshark = tshark();
    assumeTrue(tshark != null, "tshark is not on PATH");
    Simulation sim = Kubewalk.lesson("clusterip");
    Trace trace = null;
    for (long seed = 0; seed < 16 && trace == null; seed++) {
      Trace t = sim.trace("pod/default/client", "svc/default/web:80", seed);
      if (t.deliveredTo() != null && t.deliveredTo().name().equals("default/web-2")) {
        trace = t;
      }
    }
    assertThat(trace).as("a seed sends the connection to web-2 on node02").isNotNull();
    List<String> lines = dissect(tshark, trace, sim, dir).lines().toList();
    assertThat(lines.get(0).split("\t")[2]).as("the client dials the ClusterIP")
        .isEqualTo("10.96.0.80");
    boolean vxlan = false;
    for (String line : lines) {
      String[] f = line.split("\t", FIELDS.size());
      if (!f[3].isEmpty()) {
        vxlan = true;
        assertThat(f[1]).isEqualTo("192.168.56.11,10.244.1.3");
        assertThat(f[2]).as("outer node IPs, inner DNATed pod").isEqualTo(
            "192.168.56.12,10.244.2.2");
        assertThat(f[3]).isEqualTo("1");
        assertThat(f[4]).isEqualTo("8472");
      }
      assertThat(f[5]).as("SYN").isIn("1", "True");
      for (String status : (f[7] + "," + f[8] + "," + f[9]).split(",")) {
        assertThat(status).as("checksum status of " + f[10]).isIn("", "1");
      }
    }
    assertThat(vxlan).isTrue();
    assertThat(lines).anyMatch(l -> l.contains("DNAT") && l.split("\t")[2].equals(
        "10.244.2.2"));
  }

  @Test
  void tsharkDecodesTheFlannelCrossNodeTraceHopByHop(@TempDir Path dir) throws Exception {
    Path tshark = tshark();
    assumeTrue(tshark != null, "tshark is not on PATH");
    Simulation sim = Kubewalk.lesson("kubeadm-flannel");
    Trace trace = sim.trace("pod/default/client", "pod/default/app:80/tcp", 0);
    String out = dissect(tshark, trace, sim, dir);

    List<Step> onDevice = trace.steps().stream().filter(s -> s.device() != null).toList();
    List<String> lines = out.lines().toList();
    assertThat(lines).hasSameSizeAs(onDevice);
    boolean sawVxlan = false;
    for (int i = 0; i < lines.size(); i++) {
      String[] f = lines.get(i).split("\t", FIELDS.size());
      Step s = onDevice.get(i);
      Packet pk = s.packet();
      String where = s.node() + "/" + (s.netns().equals(s.node()) ? "" : s.netns() + "/")
          + s.device();
      assertThat(f[0]).as("interface of step %d", s.index()).isEqualTo(where);
      assertThat(f[10]).as("comment").startsWith("#" + s.index() + " " + s.kind() + " ")
          .endsWith(": " + s.detail());
      Packet.Outer o = pk.outer();
      if (o == null) {
        assertThat(f[1]).as("ip.src of step %d", s.index()).isEqualTo(pk.src().toString());
        assertThat(f[2]).isEqualTo(pk.dst().toString());
        assertThat(f[3]).isEmpty();
      } else {
        sawVxlan = true;
        assertThat(f[1]).as("outer then inner source").isEqualTo(o.src() + "," + pk.src());
        assertThat(f[1]).isEqualTo("192.168.212.136,172.17.1.2");
        assertThat(f[2]).isEqualTo(o.dst() + "," + pk.dst());
        assertThat(f[2]).isEqualTo("192.168.122.177,172.17.0.4");
        assertThat(f[3]).as("VXLAN VNI").isEqualTo("1");
        assertThat(f[4]).isEqualTo("8472");
        assertThat(f[7]).as("outer and inner IPv4 checksums").isEqualTo("1,1");
        assertThat(f[8]).as("outer UDP checksum").isEqualTo("1");
        assertThat(f[9]).as("inner TCP checksum").isEqualTo("1");
      }
      assertThat(f[5]).as("SYN").isIn("1", "True");
      assertThat(f[6]).as("no ACK").isIn("0", "False");
      for (String status : (f[7] + "," + f[8] + "," + f[9]).split(",")) {
        assertThat(status).as("checksum status (1 = good) of step %d", s.index())
            .isIn("", "1");
      }
      assertThat(f[7]).isNotEmpty();
      assertThat(f[9]).isNotEmpty();
    }
    assertThat(sawVxlan).isTrue();
    assertThat(out).contains("node01/cni0\t", "node01/flannel.1\t", "node01/eth0\t",
        "controlplane/flannel.1\t", "controlplane/cni0\t");
  }
}
