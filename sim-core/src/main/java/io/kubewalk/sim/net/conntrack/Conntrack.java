package io.kubewalk.sim.net.conntrack;

import io.kubewalk.sim.net.Ip;
import io.kubewalk.sim.net.Packet;
import io.kubewalk.sim.net.Protocol;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One namespace's conntrack table. A connection's first packet creates an entry whose reply
 * tuple is the inverse of the original; DNAT and SNAT rewrite the reply tuple, so that a reply
 * (or a later packet of the same connection) is recognised by lookup and translated back without
 * consulting the nat table again.
 */
public final class Conntrack {

  /** A connection's addresses and ports in one direction. */
  public record Tuple(Protocol proto, Ip src, int sport, Ip dst, int dport) {
    public static Tuple of(Packet p) {
      return new Tuple(p.proto(), p.src(), p.sport(), p.dst(), p.dport());
    }

    public Tuple inverse() {
      return new Tuple(proto, dst, dport, src, sport);
    }

    String text() {
      return "src=" + src + " dst=" + dst + " sport=" + sport + " dport=" + dport;
    }
  }

  /** Which way a packet travels relative to the connection's first packet. */
  public enum Direction {
    ORIGINAL,
    REPLY
  }

  /** A tracked connection; mutable while the trace runs (NAT, reply seen). */
  public static final class Entry {
    private final Tuple original;
    private Tuple reply;
    private boolean dnat;
    private boolean snat;
    private boolean seenReply;

    Entry(Tuple original) {
      this.original = original;
      this.reply = original.inverse();
    }

    public Tuple original() {
      return original;
    }

    public Tuple reply() {
      return reply;
    }

    /** The original direction's destination was rewritten (status IPS_DST_NAT). */
    public boolean dnat() {
      return dnat;
    }

    /** The original direction's source was rewritten (status IPS_SRC_NAT). */
    public boolean snat() {
      return snat;
    }

    public boolean seenReply() {
      return seenReply;
    }

    public void markSeenReply() {
      seenReply = true;
    }

    /** Records a DNAT of the original direction to {@code ip:port}. */
    public void dnatTo(Ip ip, int port) {
      reply = new Tuple(reply.proto(), ip, port, reply.dst(), reply.dport());
      dnat = true;
    }

    /** Records an SNAT (or MASQUERADE) of the original direction to {@code ip:port}. */
    public void snatTo(Ip ip, int port) {
      reply = new Tuple(reply.proto(), reply.src(), reply.sport(), ip, port);
      snat = true;
    }

    /**
     * The line {@code conntrack -L} (conntrack-tools 1.4.7) prints for the entry: a TCP entry
     * after its SYN is {@code SYN_SENT} (timeout 120, {@code [UNREPLIED]}), after the SYN-ACK
     * {@code SYN_RECV} (60); a UDP entry has timeout 30.
     */
    public String text() {
      StringBuilder b = new StringBuilder();
      String name = original.proto().lower();
      b.append(String.format(Locale.ROOT, "%-8s %d ", name, original.proto().number()));
      if (original.proto() == Protocol.TCP) {
        b.append(seenReply ? "59 SYN_RECV " : "119 SYN_SENT ");
      } else {
        b.append("29 ");
      }
      b.append(original.text()).append(' ');
      if (!seenReply) {
        b.append("[UNREPLIED] ");
      }
      b.append(reply.text()).append(" mark=0 use=1"); // kube-proxy sets no connection mark
      return b.toString();
    }
  }

  /** An entry found for a packet, and the direction the packet travels in it. */
  public record Hit(Entry entry, Direction direction) {}

  private final List<Entry> entries = new ArrayList<>();
  private final Map<Tuple, Hit> index = new HashMap<>();

  /** The entry the packet belongs to, by its original or reply tuple. */
  public Optional<Hit> find(Packet p) {
    return Optional.ofNullable(index.get(Tuple.of(p)));
  }

  /** Tracks a new connection whose first packet is {@code p}. */
  public Entry create(Packet p) {
    Entry e = new Entry(Tuple.of(p));
    entries.add(e);
    index.put(e.original, new Hit(e, Direction.ORIGINAL));
    return e;
  }

  /** Indexes the entry's (final) reply tuple, once its NAT is decided. */
  public void confirm(Entry e) {
    index.put(e.reply, new Hit(e, Direction.REPLY));
  }

  public List<Entry> entries() {
    return List.copyOf(entries);
  }
}
