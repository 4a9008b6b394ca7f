package io.kubewalk.sim.export;

import io.kubewalk.sim.cni.Dataplane;
import io.kubewalk.sim.net.Ip;
import io.kubewalk.sim.net.Packet;
import io.kubewalk.sim.net.ns.Link;
import io.kubewalk.sim.net.ns.NetNamespace;
import io.kubewalk.sim.net.ns.RouteLookup;
import io.kubewalk.sim.trace.Step;
import io.kubewalk.sim.trace.Trace;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * A trace as a pcapng capture that Wireshark and tshark open: one interface per device the packet
 * passed ({@code node01/cni0}, {@code node01/cni-1234/eth0}), one packet per step that carries it
 * on a device, with the step as the packet comment ({@code #7 VETH node01 cni0: ...}).
 *
 * <p>Every packet is real bytes: Ethernet II, IPv4 (DF set, the step's TTL) and a TCP SYN (a
 * SYN-ACK in the reply direction), a UDP datagram with a short payload or an SCTP INIT, all
 * checksums correct. An encapsulated step is written as the wire shows it: outer Ethernet, IPv4,
 * UDP and VXLAN header around the inner Ethernet frame, or outer IPv4 protocol 4 around the inner
 * IPv4 packet for IPIP. MACs are the model's where the device is known, otherwise a
 * locally-administered address derived from the device or IP. Timestamps start at a fixed epoch
 * and advance 1 µs per packet, so the same trace always gives the same bytes.
 */
public final class Pcap {

  /** 2024-01-01T00:00:00Z in microseconds: the first packet's timestamp. */
  public static final long EPOCH_MICROS = 1_704_067_200_000_000L;

  private static final int LINKTYPE_ETHERNET = 1;
  private static final int ETH_IPV4 = 0x0800;
  private static final int IPPROTO_IPIP = 4;
  private static final int IPPROTO_UDP = 17;
  private static final int TCP_SYN = 0x02;
  private static final int TCP_ACK = 0x10;
  private static final byte[] UDP_PAYLOAD = "kubewalk\n".getBytes(StandardCharsets.US_ASCII);

  private Pcap() {}

  /** The trace (and its reply, when present) as pcapng bytes. {@code dataplane} may be null. */
  public static byte[] bytes(Trace trace, Dataplane dataplane) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      write(trace, dataplane, out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** Writes the trace (and its reply, when present) as pcapng; does not close {@code out}. */
  public static void write(Trace trace, Dataplane dataplane, OutputStream out)
      throws IOException {
    Map<String, Integer> interfaces = new LinkedHashMap<>();
    List<byte[]> packets = new ArrayList<>();
    Direction forward = new Direction(trace, null, dataplane);
    addPackets(forward, "", dataplane, interfaces, packets);
    if (trace.reply() != null) {
      addPackets(new Direction(trace.reply(), forward, dataplane), "reply ", dataplane,
          interfaces, packets);
    }
    out.write(block(0x0A0D0D0A, sectionHeader()));
    for (String name : interfaces.keySet()) {
      out.write(block(1, interfaceDescription(name)));
    }
    for (byte[] p : packets) {
      out.write(p);
    }
  }

  private static void addPackets(Direction dir, String prefix, Dataplane dp,
      Map<String, Integer> interfaces, List<byte[]> packets) {
    for (Step s : dir.trace.steps()) {
      if (s.device() == null || s.packet() == null) {
        continue;
      }
      String ifName = s.node().equals(s.netns()) ? s.node() + "/" + s.device()
          : s.node() + "/" + s.netns() + "/" + s.device();
      int ifId = interfaces.computeIfAbsent(ifName, k -> interfaces.size());
      String where = s.node().equals(s.netns()) ? s.node() : s.node() + " " + s.netns();
      String comment = prefix + "#" + s.index() + " " + s.kind() + " " + where + " "
          + s.device() + ": " + s.detail();
      byte[] frame = frame(s, dir, dp);
      packets.add(block(6, enhancedPacket(ifId, EPOCH_MICROS + packets.size(), frame, comment)));
    }
  }

  // ---- packets ----

  /** What stays the same for every packet of one direction: IP ID, TCP sequence, flags, MSS. */
  private static final class Direction {
    final Trace trace;
    final int ipId;
    final long seq;
    final long ack;
    final int flags;
    final int mss;
    final String[][] l2;

    Direction(Trace trace, Direction forward, Dataplane dp) {
      this.trace = trace;
      Packet first = trace.steps().isEmpty() ? null : trace.steps().get(0).packet();
      int h = first == null ? 0 : mix(first.src().bits(), first.dst().bits(),
          first.sport() << 16 | first.dport());
      this.ipId = h & 0xffff;
      this.seq = Integer.toUnsignedLong(mix(h, 0x5eed, 1));
      this.ack = forward == null ? 0 : (forward.seq + 1) & 0xffffffffL;
      this.flags = forward == null ? TCP_SYN : TCP_SYN | TCP_ACK;
      Optional<Link> dev = trace.steps().isEmpty() ? Optional.empty()
          : link(dp, trace.steps().get(0));
      this.mss = dev.map(l -> l.mtu() - 40).filter(m -> m > 0).orElse(1460);
      this.l2 = layer2(trace, dp);
    }
  }

  private static byte[] frame(Step s, Direction dir, Dataplane dp) {
    Packet p = s.packet();
    byte[] inner = ipv4(p.src(), p.dst(), p.proto().number(), p.ttl(), dir.ipId,
        transport(p, dir));
    String[] l2 = dir.l2[s.index()];
    Packet.Outer o = p.outer();
    if (o == null) {
      return ether(l2[1], l2[0], inner);
    }
    Optional<NetNamespace> here = namespace(dp, s.node(), s.netns());
    String outerSrc = here.flatMap(ns -> ns.linkWithAddress(o.src())).map(Link::mac)
        .filter(m -> m != null).orElseGet(() -> ipMac(o.src()));
    String outerDst = here.map(ns -> ns.lookup(o.dst())).filter(r -> r.dev() != null)
        .map(r -> resolve(dp, here.get(), r.nextHop(), r.dev())).orElseGet(() -> ipMac(o.dst()));
    int outerId = mix(o.src().bits(), o.dst().bits(), dir.ipId) & 0xffff;
    if (o.dport() == 0) {
      return ether(outerDst, outerSrc, ipv4(o.src(), o.dst(), IPPROTO_IPIP, 64, outerId, inner));
    }
    byte[] vxlan = concat(vxlanHeader(o.vni()), ether(l2[1], l2[0], inner));
    return ether(outerDst, outerSrc, ipv4(o.src(), o.dst(), IPPROTO_UDP, 64, outerId,
        udp(o.src(), o.dst(), o.sport(), o.dport(), vxlan)));
  }

  private static byte[] transport(Packet p, Direction dir) {
    return switch (p.proto()) {
      case TCP -> tcp(p, dir);
      case UDP -> udp(p.src(), p.dst(), p.sport(), p.dport(), UDP_PAYLOAD);
      case SCTP -> sctpInit(p.sport(), p.dport(), (int) dir.seq);
    };
  }

  private static byte[] ether(String dstMac, String srcMac, byte[] payload) {
    return ByteBuffer.allocate(14 + payload.length).put(mac(dstMac)).put(mac(srcMac))
        .putShort((short) ETH_IPV4).put(payload).array();
  }

  private static byte[] ipv4(Ip src, Ip dst, int proto, int ttl, int id, byte[] payload) {
    ByteBuffer b = ByteBuffer.allocate(20 + payload.length);
    b.put((byte) 0x45).put((byte) 0).putShort((short) (20 + payload.length))
        .putShort((short) id).putShort((short) 0x4000) // DF, fragment offset 0
        .put((byte) ttl).put((byte) proto).putShort((short) 0)
        .putInt(src.bits()).putInt(dst.bits());
    b.putShort(10, (short) checksum(b.array(), 0, 20));
    return b.put(payload).array();
  }

  private static byte[] tcp(Packet p, Direction dir) {
    ByteBuffer b = ByteBuffer.allocate(24);
    b.putShort((short) p.sport()).putShort((short) p.dport()).putInt((int) dir.seq)
        .putInt((int) dir.ack).put((byte) (6 << 4)).put((byte) dir.flags)
        .putShort((short) 64240).putShort((short) 0).putShort((short) 0)
        .put((byte) 2).put((byte) 4).putShort((short) dir.mss); // MSS option
    byte[] seg = b.array();
    b.putShort(16, (short) checksum(concat(pseudoHeader(p.src(), p.dst(), 6, seg.length), seg),
        0, 12 + seg.length));
    return seg;
  }

  private static byte[] udp(Ip src, Ip dst, int sport, int dport, byte[] payload) {
    ByteBuffer b = ByteBuffer.allocate(8 + payload.length);
    b.putShort((short) sport).putShort((short) dport).putShort((short) (8 + payload.length))
        .putShort((short) 0).put(payload);
    byte[] d = b.array();
    int sum = checksum(concat(pseudoHeader(src, dst, IPPROTO_UDP, d.length), d), 0,
        12 + d.length);
    b.putShort(6, (short) (sum == 0 ? 0xffff : sum));
    return d;
  }

  /** An SCTP common header with one INIT chunk; the CRC32c goes in little-endian as Linux does. */
  private static byte[] sctpInit(int sport, int dport, int tag) {
    ByteBuffer b = ByteBuffer.allocate(32);
    b.putShort((short) sport).putShort((short) dport).putInt(0).putInt(0)
        .put((byte) 1).put((byte) 0).putShort((short) 20) // INIT, flags, chunk length
        .putInt(tag | 1).putInt(106496).putShort((short) 10).putShort((short) 65535)
        .putInt(tag | 1);
    CRC32C crc = new CRC32C();
    crc.update(b.array());
    b.order(ByteOrder.LITTLE_ENDIAN).putInt(8, (int) crc.getValue());
    return b.array();
  }

  private static byte[] vxlanHeader(int vni) {
    return ByteBuffer.allocate(8).putInt(0x08000000).putInt(vni << 8).array();
  }

  private static byte[] pseudoHeader(Ip src, Ip dst, int proto, int length) {
    return ByteBuffer.allocate(12).putInt(src.bits()).putInt(dst.bits()).put((byte) 0)
        .put((byte) proto).putShort((short) length).array();
  }

  /** The Internet checksum (RFC 1071) of {@code len} bytes from {@code off}. */
  static int checksum(byte[] data, int off, int len) {
    long sum = 0;
    for (int i = 0; i < len; i += 2) {
      int hi = data[off + i] & 0xff;
      int lo = i + 1 < len ? data[off + i + 1] & 0xff : 0;
      sum += hi << 8 | lo;
    }
    while (sum >> 16 != 0) {
      sum = (sum & 0xffff) + (sum >> 16);
    }
    return (int) (~sum & 0xffff);
  }

  // ---- MAC addresses from the model ----

  private static Optional<NetNamespace> namespace(Dataplane dp, String node, String netns) {
    if (dp == null) {
      return Optional.empty();
    }
    NetNamespace host = dp.nodes().get(node);
    if (host == null || netns.equals(node)) {
      return Optional.ofNullable(host);
    }
    return host.links().stream().filter(l -> l.peer() != null)
        .map(l -> l.peer().namespace()).filter(ns -> ns.name().equals(netns)).findFirst();
  }

  private static Optional<Link> link(Dataplane dp, Step s) {
    return s.device() == null ? Optional.empty()
        : namespace(dp, s.node(), s.netns()).flatMap(ns -> ns.link(s.device()));
  }

  /**
   * The Ethernet source and destination of the (inner) frame at each step. A frame keeps its
   * addresses through veths and bridges; a ROUTE step that forwards rewrites them, as the kernel
   * does: the output device's MAC as source, the next hop's MAC (the neighbour entry, else the
   * device that owns the next-hop address) as destination. Steps before the first such route
   * carry the frame that route will send.
   */
  private static String[][] layer2(Trace trace, Dataplane dp) {
    List<Step> steps = trace.steps();
    String[][] out = new String[steps.size()][];
    String[] frame = null;
    int pending = 0;
    for (Step s : steps) {
      if (s.kind() == Step.Kind.ROUTE && s.packet() != null && s.packet().outer() == null
          && s.device() != null) {
        String[] routed = route(dp, s);
        if (routed != null) {
          frame = routed;
          for (; pending < s.index(); pending++) {
            out[pending] = out[pending] == null ? frame : out[pending];
          }
        }
      }
      if (frame != null) {
        out[s.index()] = frame;
        pending = s.index() + 1;
      }
    }
    for (int i = 0; i < out.length; i++) {
      if (out[i] == null) {
        Step s = steps.get(i);
        out[i] = new String[] {deviceMac(dp, s), s.packet() == null ? derivedMac("none")
            : ipMac(s.packet().dst())};
      }
    }
    return out;
  }

  /** The frame a forwarding ROUTE step sends, or null for local delivery. */
  private static String[] route(Dataplane dp, Step s) {
    Optional<NetNamespace> ns = namespace(dp, s.node(), s.netns());
    if (ns.isEmpty()) {
      return new String[] {deviceMac(dp, s), ipMac(s.packet().dst())};
    }
    RouteLookup r = ns.get().lookup(s.packet().dst());
    if (r.isLocal() || r.dev() == null) {
      return null;
    }
    String src = r.dev().mac() != null ? r.dev().mac() : deviceMac(dp, s);
    return new String[] {src, resolve(dp, ns.get(), r.nextHop(), r.dev())};
  }

  /** ARP, as the model can answer it: the neighbour entry, else the owner of the address. */
  private static String resolve(Dataplane dp, NetNamespace ns, Ip nextHop, Link dev) {
    return ns.neighbour(nextHop, dev).map(NetNamespace.Neighbour::mac)
        .or(() -> allNamespaces(dp).stream().flatMap(n -> n.linkWithAddress(nextHop).stream())
            .map(Link::mac).filter(m -> m != null).findFirst())
        .orElseGet(() -> ipMac(nextHop));
  }

  private static List<NetNamespace> allNamespaces(Dataplane dp) {
    List<NetNamespace> out = new ArrayList<>();
    for (NetNamespace host : dp.nodes().values()) {
      out.add(host);
      host.links().stream().filter(l -> l.peer() != null).map(l -> l.peer().namespace())
          .filter(n -> !out.contains(n)).forEach(out::add);
    }
    return out;
  }

  private static String deviceMac(Dataplane dp, Step s) {
    return link(dp, s).map(Link::mac).filter(m -> m != null).orElseGet(() -> derivedMac(
        s.node() + "/" + s.netns() + "/" + s.device()));
  }

  /** A locally-administered MAC for a device the model has no address for. */
  private static String derivedMac(String key) {
    int h = mix(key.hashCode(), key.length(), 0x6b77);
    return String.format("02:6b:77:%02x:%02x:%02x", h >>> 16 & 0xff, h >>> 8 & 0xff, h & 0xff);
  }

  /** A locally-administered MAC that spells the IP: 02:00:a:b:c:d. */
  private static String ipMac(Ip ip) {
    return String.format("02:00:%02x:%02x:%02x:%02x", ip.octet(0), ip.octet(1), ip.octet(2),
        ip.octet(3));
  }

  private static byte[] mac(String text) {
    String[] parts = text.split(":");
    if (parts.length != 6) {
      return mac(derivedMac(text));
    }
    byte[] out = new byte[6];
    for (int i = 0; i < 6; i++) {
      out[i] = (byte) Integer.parseInt(parts[i], 16);
    }
    return out;
  }

  private static int mix(int a, int b, int c) {
    int h = a * 0x9E3779B1 ^ b * 0x85EBCA77 ^ c * 0xC2B2AE3D;
    h ^= h >>> 15;
    h *= 0x2C1B3C6D;
    return h ^ h >>> 12;
  }

  // ---- pcapng blocks (little-endian) ----

  private static byte[] sectionHeader() {
    ByteBuffer b = le(16);
    b.putInt(0x1A2B3C4D).putShort((short) 1).putShort((short) 0).putLong(-1L);
    return concat(b.array(), option(4, "kubewalk"), endOfOptions());
  }

  private static byte[] interfaceDescription(String name) {
    ByteBuffer b = le(8);
    b.putShort((short) LINKTYPE_ETHERNET).putShort((short) 0).putInt(0);
    return concat(b.array(), option(2, name), endOfOptions());
  }

  private static byte[] enhancedPacket(int ifId, long micros, byte[] frame, String comment) {
    ByteBuffer b = le(20);
    b.putInt(ifId).putInt((int) (micros >>> 32)).putInt((int) micros).putInt(frame.length)
        .putInt(frame.length);
    return concat(b.array(), pad(frame), option(1, comment), endOfOptions());
  }

  private static byte[] block(int type, byte[] body) {
    int total = 12 + body.length;
    return le(total).putInt(type).putInt(total).put(body).putInt(total).array();
  }

  private static byte[] option(int code, String value) {
    byte[] v = value.getBytes(StandardCharsets.UTF_8);
    byte[] head = le(4).putShort((short) code).putShort((short) v.length).array();
    return concat(head, pad(v));
  }

  private static byte[] endOfOptions() {
    return new byte[4];
  }

  private static byte[] pad(byte[] data) {
    byte[] out = new byte[(data.length + 3) & ~3];
    System.arraycopy(data, 0, out, 0, data.length);
    return out;
  }

  private static ByteBuffer le(int size) {
    return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }
}
