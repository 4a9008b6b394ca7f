package io.kubewalk.sim.export;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubewalk.sim.Kubewalk;
import io.kubewalk.sim.Simulation;
import io.kubewalk.sim.net.Ip;
import io.kubewalk.sim.net.Packet;
import io.kubewalk.sim.trace.Endpoints;
import io.kubewalk.sim.trace.Step;
import io.kubewalk.sim.trace.Trace;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reads kubewalk's own pcapng back: block framing, checksums, VXLAN and IPIP layering. */
class PcapTest {

  record Capture(List<String> interfaces, List<Frame> frames) {}

  record Frame(int ifId, long micros, byte[] data, String comment) {}

  /** One decoded IPv4 packet: its addresses, protocol, TTL and the L4 bytes after the header. */
  record Ipv4(Ip src, Ip dst, int proto, int ttl, boolean df, byte[] l4) {}

  static Capture parse(byte[] pcap) {
    ByteBuffer b = ByteBuffer.wrap(pcap).order(ByteOrder.LITTLE_ENDIAN);
    List<String> ifs = new ArrayList<>();
    List<Frame> frames = new ArrayList<>();
    assertThat(b.getInt(0)).isEqualTo(0x0A0D0D0A);
    assertThat(b.getInt(8)).isEqualTo(0x1A2B3C4D);
    int pos = 0;
    while (pos < pcap.length) {
      int type = b.getInt(pos);
      int len = b.getInt(pos + 4);
      assertThat(len % 4).as("block length at %d", pos).isZero();
      assertThat(b.getInt(pos + len - 4)).as("trailing block length at %d", pos).isEqualTo(len);
      if (type == 1) {
        assertThat(b.getShort(pos + 8)).as("linktype Ethernet").isEqualTo((short) 1);
        ifs.add(option(b, pos + 16, pos + len - 4, 2));
      } else if (type == 6) {
        int caplen = b.getInt(pos + 20);
        assertThat(b.getInt(pos + 24)).isEqualTo(caplen);
        byte[] data = Arrays.copyOfRange(pcap, pos + 28, pos + 28 + caplen);
        long micros = Integer.toUnsignedLong(b.getInt(pos + 12)) << 32
            | Integer.toUnsignedLong(b.getInt(pos + 16));
        int opts = pos + 28 + ((caplen + 3) & ~3);
        frames.add(new Frame(b.getInt(pos + 8), micros, data,
            option(b, opts, pos + len - 4, 1)));
      } else {
        assertThat(type).as("block type at %d", pos).isEqualTo(0x0A0D0D0A);
      }
      pos += len;
    }
    assertThat(pos).isEqualTo(pcap.length);
    return new Capture(ifs, frames);
  }

  private static String option(ByteBuffer b, int pos, int end, int code) {
    while (pos < end) {
      int c = b.getShort(pos) & 0xffff;
      int l = b.getShort(pos + 2) & 0xffff;
      if (c == 0) {
        break;
      }
      if (c == code) {
        byte[] v = new byte[l];
        b.get(pos + 4, v);
        return new String(v, StandardCharsets.UTF_8);
      }
      pos += 4 + ((l + 3) & ~3);
    }
    return null;
  }

  /** Strips Ethernet II (checking the IPv4 ethertype) and decodes IPv4 with checksum checks. */
  static Ipv4 ether(byte[] frame) {
    ByteBuffer b = ByteBuffer.wrap(frame);
    assertThat(b.getShort(12)).isEqualTo((short) 0x0800);
    assertThat(frame[0] & 0x01).as("unicast destination MAC").isZero();
    return ipv4(Arrays.copyOfRange(frame, 14, frame.length));
  }

  static Ipv4 ipv4(byte[] p) {
    ByteBuffer b = ByteBuffer.wrap(p);
    assertThat(p[0]).isEqualTo((byte) 0x45);
    assertThat(b.getShort(2) & 0xffff).isEqualTo(p.length);
    assertThat(Pcap.checksum(p, 0, 20)).as("IPv4 header checksum").isZero();
    Ip src = new Ip(b.getInt(12));
    Ip dst = new Ip(b.getInt(16));
    int proto = p[9] & 0xff;
    byte[] l4 = Arrays.copyOfRange(p, 20, p.length);
    if (proto == 6 || proto == 17) {
      ByteBuffer ph = ByteBuffer.allocate(12 + l4.length).putInt(src.bits()).putInt(dst.bits())
          .put((byte) 0).put((byte) proto).putShort((short) l4.length).put(l4);
      assertThat(Pcap.checksum(ph.array(), 0, ph.capacity())).as("L4 checksum").isZero();
    }
    return new Ipv4(src, dst, proto, p[8] & 0xff, (b.getShort(6) & 0x4000) != 0, l4);
  }

  static int u16(byte[] d, int off) {
    return (d[off] & 0xff) << 8 | d[off + 1] & 0xff;
  }

  private static final Simulation FLANNEL = Kubewalk.lesson("kubeadm-flannel");

  private static Trace crossNode() {
    return FLANNEL.trace("pod/default/client", "pod/default/app:80/tcp", 0);
  }

  @Test
  void everyDeviceStepIsAPacketOnItsInterfaceWithTheStepAsComment() {
    Trace t = crossNode();
    Capture c = parse(Pcap.bytes(t, FLANNEL.dataplane()));
    List<Step> onDevice = t.steps().stream().filter(s -> s.device() != null).toList();
    assertThat(c.frames()).hasSameSizeAs(onDevice);
    assertThat(c.interfaces()).contains("node01/cni0", "node01/flannel.1", "node01/eth0",
        "controlplane/flannel.1", "controlplane/cni0").doesNotHaveDuplicates();
    for (int i = 0; i < onDevice.size(); i++) {
      Step s = onDevice.get(i);
      Frame f = c.frames().get(i);
      assertThat(f.micros()).isEqualTo(Pcap.EPOCH_MICROS + i);
      assertThat(f.comment()).startsWith("#" + s.index() + " " + s.kind() + " " + s.node())
          .endsWith(s.device() + ": " + s.detail());
      assertThat(c.interfaces().get(f.ifId())).startsWith(s.node() + "/")
          .endsWith("/" + s.device());
      Packet p = s.packet();
      Ipv4 ip = ether(f.data());
      if (p.outer() == null) {
        assertThat(List.of(ip.src(), ip.dst(), ip.ttl())).containsExactly(p.src(), p.dst(),
            p.ttl());
        assertThat(ip.df()).isTrue();
        assertThat(ip.proto()).isEqualTo(6);
        assertThat(ip.l4()[13]).as("TCP SYN").isEqualTo((byte) 0x02);
        assertThat(u16(ip.l4(), 14)).as("window").isEqualTo(64240);
        assertThat(u16(ip.l4(), 0)).isEqualTo(p.sport());
        assertThat(u16(ip.l4(), 2)).isEqualTo(p.dport());
      }
    }
    Frame cni0 = c.frames().get(onDevice.indexOf(step(t, Step.Kind.BRIDGE, "node01", null)));
    assertThat(c.interfaces().get(cni0.ifId())).isEqualTo("node01/cni0");
  }

  @Test
  void theVxlanHopIsOuterNodeIpsUdp8472Vni1AroundTheInnerFrame() {
    Trace t = crossNode();
    Capture c = parse(Pcap.bytes(t, FLANNEL.dataplane()));
    List<Frame> encapsulated = c.frames().stream()
        .filter(f -> f.comment().contains(" ENCAP ")).toList();
    assertThat(encapsulated).hasSize(1);
    Ipv4 outer = ether(encapsulated.get(0).data());
    assertThat(outer.src()).isEqualTo(Ip.parse("192.168.212.136"));
    assertThat(outer.dst()).isEqualTo(Ip.parse("192.168.122.177"));
    assertThat(outer.proto()).isEqualTo(17);
    byte[] udp = outer.l4();
    assertThat(u16(udp, 2)).isEqualTo(8472);
    assertThat(udp[8]).as("VXLAN flags").isEqualTo((byte) 0x08);
    int vni = (udp[12] & 0xff) << 16 | (udp[13] & 0xff) << 8 | udp[14] & 0xff;
    assertThat(vni).isEqualTo(1);
    byte[] innerFrame = Arrays.copyOfRange(udp, 16, udp.length);
    String flannelMac = FLANNEL.dataplane().node("controlplane").link("flannel.1")
        .orElseThrow().mac();
    assertThat(mac(innerFrame, 0)).isEqualTo(flannelMac);
    Ipv4 inner = ether(innerFrame);
    assertThat(inner.src()).isEqualTo(Ip.parse("172.17.1.2"));
    assertThat(inner.dst()).isEqualTo(Ip.parse("172.17.0.4"));
    assertThat(inner.l4()[13]).isEqualTo((byte) 0x02);
  }

  @Test
  void framesCarryTheModelsMacsRewrittenWhereAHostRoutesThem() {
    Trace t = crossNode();
    Capture c = parse(Pcap.bytes(t, FLANNEL.dataplane()));
    var dp = FLANNEL.dataplane();
    Step clientVeth = step(t, Step.Kind.VETH, "node01", null);
    Step appVeth = step(t, Step.Kind.VETH, "controlplane", null);
    String clientEth0 = dp.node("node01").link(clientVeth.detail().replaceAll(
        ".*appears on (\\S+) in node.*", "$1")).orElseThrow().peer().mac();
    String node01Cni0 = dp.node("node01").link("cni0").orElseThrow().mac();
    String node01Flannel = dp.node("node01").link("flannel.1").orElseThrow().mac();
    String cpFlannel = dp.node("controlplane").link("flannel.1").orElseThrow().mac();
    String cpCni0 = dp.node("controlplane").link("cni0").orElseThrow().mac();
    String appEth0 = dp.node("controlplane").link(appVeth.device()).orElseThrow().peer().mac();
    // pod eth0 -> cni0 (its gateway), seen on both sides of the veth
    assertThat(macs(frame(c, clientVeth.index()))).containsExactly(clientEth0, node01Cni0);
    assertThat(macs(frame(c, step(t, Step.Kind.BRIDGE, "node01", "cni0").index())))
        .containsExactly(clientEth0, node01Cni0);
    // routed to flannel.1: the peer's flannel.1 from the neighbour entry; decapsulated unchanged
    assertThat(macs(frame(c, step(t, Step.Kind.ROUTE, "node01", "flannel.1").index())))
        .containsExactly(node01Flannel, cpFlannel);
    assertThat(macs(frame(c, step(t, Step.Kind.DECAP, "controlplane", null).index())))
        .containsExactly(node01Flannel, cpFlannel);
    // routed onto cni0 towards the pod, through the bridge and the veth into the pod
    assertThat(macs(frame(c, step(t, Step.Kind.BRIDGE, "controlplane", "cni0").index())))
        .containsExactly(cpCni0, appEth0);
    assertThat(macs(frame(c, t.steps().size() - 1))).containsExactly(cpCni0, appEth0);
    // the outer frame leaves node01's eth0
    String node01Eth0 = dp.node("node01").link("eth0").orElseThrow().mac();
    assertThat(macs(frame(c, step(t, Step.Kind.WIRE, "node01", "eth0").index()))[0])
        .isEqualTo(node01Eth0);
  }

  private static Step step(Trace t, Step.Kind kind, String node, String device) {
    return t.steps().stream().filter(s -> s.kind() == kind && s.node().equals(node)
        && (device == null || device.equals(s.device()))).findFirst().orElseThrow();
  }

  private static Frame frame(Capture c, int step) {
    return c.frames().stream().filter(f -> f.comment().startsWith("#" + step + " "))
        .findFirst().orElseThrow();
  }

  /** Source and destination MAC. */
  private static String[] macs(Frame f) {
    return new String[] {mac(f.data(), 6), mac(f.data(), 0)};
  }

  @Test
  void theSameTraceGivesTheSameBytes() {
    assertThat(Pcap.bytes(crossNode(), FLANNEL.dataplane()))
        .isEqualTo(Pcap.bytes(crossNode(), FLANNEL.dataplane()));
    assertThat(parse(Pcap.bytes(crossNode(), null)).frames()).isNotEmpty();
  }

  @Test
  void aReplyDirectionIsWrittenAfterTheRequestAsSynAck() {
    Trace t = FLANNEL.trace(Endpoints.parseFrom("pod/default/client", null),
        Endpoints.parseTo("pod/default/app:80/tcp"), 0, true);
    assertThat(t.reply()).isNotNull();
    Capture c = parse(Pcap.bytes(t, FLANNEL.dataplane()));
    long forward = t.steps().stream().filter(s -> s.device() != null).count();
    long back = t.reply().steps().stream().filter(s -> s.device() != null).count();
    assertThat(c.frames()).hasSize((int) (forward + back));
    assertThat(c.interfaces()).doesNotHaveDuplicates();
    Frame first = c.frames().get(0);
    Frame reply = c.frames().get((int) forward);
    assertThat(reply.comment()).startsWith("reply #0 ");
    Ipv4 answer = ether(reply.data());
    assertThat(answer.src()).isEqualTo(Ip.parse("172.17.0.4"));
    assertThat(answer.dst()).isEqualTo(Ip.parse("172.17.1.2"));
    byte[] syn = ether(first.data()).l4();
    byte[] synAck = answer.l4();
    assertThat(synAck[13]).isEqualTo((byte) 0x12);
    long seq = ByteBuffer.wrap(syn).getInt(4) & 0xffffffffL;
    long ack = ByteBuffer.wrap(synAck).getInt(8) & 0xffffffffL;
    assertThat(ack).isEqualTo((seq + 1) & 0xffffffffL);
    for (Frame f : c.frames()) {
      ether(f.data());
    }
  }

  @Test
  void udpCarriesAPayloadWithAGoodChecksum() {
    Simulation sim = Kubewalk.lesson("kubeadm-flannel");
    Trace t = sim.trace("pod/default/client", "pod/default/app:53/udp", 0);
    Capture c = parse(Pcap.bytes(t, sim.dataplane()));
    assertThat(c.frames()).isNotEmpty();
    Ipv4 ip = ether(c.frames().get(0).data());
    assertThat(ip.proto()).isEqualTo(17);
    assertThat(u16(ip.l4(), 4)).isGreaterThan(8);
  }

  @Test
  void ipipIsOuterIpv4ProtocolFourAroundTheInnerPacket() {
    Simulation sim = Kubewalk.lesson("calico");
    Trace t = sim.trace("pod/default/client", "pod/default/web:80/tcp", 0);
    Capture c = parse(Pcap.bytes(t, sim.dataplane()));
    List<Step> encap = t.steps().stream()
        .filter(s -> s.device() != null && s.packet().outer() != null).toList();
    assertThat(encap).isNotEmpty();
    assertThat(encap.get(0).packet().outer().dport()).isZero();
    Frame f = c.frames().stream().filter(fr -> fr.comment().startsWith(
        "#" + encap.get(0).index() + " ")).findFirst().orElseThrow();
    Ipv4 outer = ether(f.data());
    assertThat(outer.proto()).isEqualTo(4);
    assertThat(outer.src()).isEqualTo(encap.get(0).packet().outer().src());
    Ipv4 inner = ipv4(outer.l4());
    assertThat(inner.dst()).isEqualTo(encap.get(0).packet().dst());
    assertThat(inner.proto()).isEqualTo(6);
  }

  private static String mac(byte[] frame, int off) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 6; i++) {
      sb.append(i == 0 ? "" : ":").append(String.format("%02x", frame[off + i] & 0xff));
    }
    return sb.toString();
  }
}
