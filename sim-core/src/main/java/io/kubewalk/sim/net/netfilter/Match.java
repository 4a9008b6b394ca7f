package io.kubewalk.sim.net.netfilter;

import io.kubewalk.sim.net.Cidr;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One match of a rule. Basic matches ({@code -s -d -i -o -p}) are part of the IP header check and
 * are printed first by {@code iptables-save}; extension matches ({@code -m NAME ...}) keep the
 * order they were given. {@link #save()} is the exact {@code iptables-save} fragment, {@link
 * #listing()} the text {@code iptables -L -n} prints in its options column.
 */
public sealed interface Match {

  String save();

  String listing();

  default boolean basic() {
    return false;
  }

  /** Position of a basic match in iptables' own print order (-s -d -i -o -p). */
  default int basicOrder() {
    return 99;
  }

  private static String neg(boolean n) {
    return n ? "! " : "";
  }

  /** {@code [!] -s CIDR}. */
  record Source(Cidr cidr, boolean negated) implements Match {
    public String save() {
      return neg(negated) + "-s " + cidr;
    }

    public String listing() {
      return "";
    }

    public boolean basic() {
      return true;
    }

    public int basicOrder() {
      return 0;
    }
  }

  /** {@code [!] -d CIDR}. */
  record Destination(Cidr cidr, boolean negated) implements Match {
    public String save() {
      return neg(negated) + "-d " + cidr;
    }

    public String listing() {
      return "";
    }

    public boolean basic() {
      return true;
    }

    public int basicOrder() {
      return 1;
    }
  }

  /** {@code [!] -i NAME}; a trailing {@code +} is a prefix wildcard. */
  record InInterface(String name, boolean negated) implements Match {
    public String save() {
      return neg(negated) + "-i " + name;
    }

    public String listing() {
      return "";
    }

    public boolean basic() {
      return true;
    }

    public int basicOrder() {
      return 2;
    }
  }

  /** {@code [!] -o NAME}; a trailing {@code +} is a prefix wildcard. */
  record OutInterface(String name, boolean negated) implements Match {
    public String save() {
      return neg(negated) + "-o " + name;
    }

    public String listing() {
      return "";
    }

    public boolean basic() {
      return true;
    }

    public int basicOrder() {
      return 3;
    }
  }

  /** {@code [!] -p PROTO} (tcp, udp, sctp, icmp). */
  record Proto(String name, boolean negated) implements Match {
    public Proto {
      name = name.toLowerCase(Locale.ROOT);
      number(name);
    }

    public static int number(String name) {
      switch (name) {
        case "tcp":
          return 6;
        case "udp":
          return 17;
        case "sctp":
          return 132;
        case "icmp":
          return 1;
        default:
          throw new IllegalArgumentException(
              "unknown protocol '" + name + "' (expected tcp, udp, sctp or icmp)");
      }
    }

    public int number() {
      return number(name);
    }

    public String save() {
      return neg(negated) + "-p " + name;
    }

    public String listing() {
      return "";
    }

    public boolean basic() {
      return true;
    }

    public int basicOrder() {
      return 4;
    }
  }

  /** {@code -m comment --comment TEXT}; iptables-save always quotes the text. */
  record Comment(String text) implements Match {
    public String save() {
      return "-m comment --comment \"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    public String listing() {
      return "/* " + text + " */";
    }
  }

  /** {@code -m mark [!] --mark VALUE[/MASK]}. */
  record Mark(int value, int mask, boolean negated) implements Match {
    public String save() {
      return "-m mark " + neg(negated) + "--mark " + text();
    }

    private String text() {
      return mask == -1 ? hex(value) : hex(value) + "/" + hex(mask);
    }

    public String listing() {
      return "mark match " + neg(negated) + text();
    }
  }

  /** {@code -m addrtype [[!] --src-type T] [[!] --dst-type T] [--limit-iface-in|out]}. */
  record AddrType(
      String srcType,
      boolean srcNegated,
      String dstType,
      boolean dstNegated,
      boolean limitIfaceIn,
      boolean limitIfaceOut)
      implements Match {
    public String save() {
      StringBuilder b = new StringBuilder("-m addrtype");
      if (srcType != null) {
        b.append(' ').append(neg(srcNegated)).append("--src-type ").append(srcType);
      }
      if (dstType != null) {
        b.append(' ').append(neg(dstNegated)).append("--dst-type ").append(dstType);
      }
      if (limitIfaceIn) {
        b.append(" --limit-iface-in");
      }
      if (limitIfaceOut) {
        b.append(" --limit-iface-out");
      }
      return b.toString();
    }

    public String listing() {
      StringBuilder b = new StringBuilder("ADDRTYPE match");
      if (srcType != null) {
        b.append(" src-type ").append(srcNegated ? "!" : "").append(srcType);
      }
      if (dstType != null) {
        b.append(" dst-type ").append(dstNegated ? "!" : "").append(dstType);
      }
      if (limitIfaceIn) {
        b.append(" limit-in");
      }
      if (limitIfaceOut) {
        b.append(" limit-out");
      }
      return b.toString();
    }
  }

  /** An inclusive port range; {@code first == last} for a single port. */
  record PortRange(int first, int last) {
    public PortRange {
      if (first < 0 || last > 65535 || first > last) {
        throw new IllegalArgumentException("bad port range " + first + ":" + last);
      }
    }

    public static PortRange parse(String s) {
      int i = s.indexOf(':');
      if (i < 0) {
        int p = Integer.parseInt(s);
        return new PortRange(p, p);
      }
      return new PortRange(Integer.parseInt(s.substring(0, i)), Integer.parseInt(s.substring(i + 1)));
    }

    public boolean contains(int port) {
      return port >= first && port <= last;
    }

    @Override
    public String toString() {
      return first == last ? Integer.toString(first) : first + ":" + last;
    }
  }

  /** {@code -m tcp|udp|sctp [[!] --sport P] [[!] --dport P]} (both may be absent). */
  record Ports(String module, PortRange sport, boolean sportNegated, PortRange dport,
      boolean dportNegated) implements Match {
    public String save() {
      StringBuilder b = new StringBuilder("-m ").append(module);
      if (sport != null) {
        b.append(' ').append(neg(sportNegated)).append("--sport ").append(sport);
      }
      if (dport != null) {
        b.append(' ').append(neg(dportNegated)).append("--dport ").append(dport);
      }
      return b.toString();
    }

    public String listing() {
      StringBuilder b = new StringBuilder(module);
      if (sport != null) {
        b.append(sport.first() == sport.last() ? " spt:" : " spts:")
            .append(sportNegated ? "!" : "").append(sport);
      }
      if (dport != null) {
        b.append(dport.first() == dport.last() ? " dpt:" : " dpts:")
            .append(dportNegated ? "!" : "").append(dport);
      }
      return b.toString();
    }
  }

  /** {@code -m multiport [!] --dports|--sports P,P}. */
  record Multiport(boolean destination, List<PortRange> ports, boolean negated) implements Match {
    public Multiport {
      ports = List.copyOf(ports);
    }

    private String list() {
      return ports.stream().map(PortRange::toString).collect(Collectors.joining(","));
    }

    public String save() {
      return "-m multiport " + neg(negated) + (destination ? "--dports " : "--sports ") + list();
    }

    public String listing() {
      return "multiport " + (destination ? "dports " : "sports ") + (negated ? " !" : "") + list();
    }
  }

  /**
   * {@code -m statistic --mode random --probability P}. The kernel keeps P as a 31-bit fraction
   * ({@code lround(P * 2^31)}); equality and printing use that fraction, so kube-proxy's {@code
   * 0.5000000000} and iptables-save's {@code 0.50000000000} are the same match.
   */
  record Statistic(long fraction) implements Match {
    public static Statistic ofProbability(double p) {
      if (!(p >= 0 && p <= 1)) {
        throw new IllegalArgumentException("probability " + p + " is not in 0..1");
      }
      return new Statistic(Math.round(p * 0x80000000L));
    }

    public double probability() {
      return fraction / (double) 0x80000000L;
    }

    private String p() {
      return String.format(Locale.ROOT, "%.11f", probability());
    }

    public String save() {
      return "-m statistic --mode random --probability " + p();
    }

    public String listing() {
      return "statistic mode random probability " + p();
    }
  }

  /** The {@code recent} module's commands. */
  enum RecentMode {
    SET("--set", "SET"),
    RCHECK("--rcheck", "CHECK"),
    UPDATE("--update", "UPDATE"),
    REMOVE("--remove", "REMOVE");

    final String flag;
    final String word;

    RecentMode(String flag, String word) {
      this.flag = flag;
      this.word = word;
    }
  }

  /**
   * {@code -m recent} as kube-proxy uses it for ClientIP session affinity (the mask is always
   * 255.255.255.255, the side is the source unless {@code rsource} is false).
   */
  record Recent(String name, RecentMode mode, Integer seconds, boolean reap, boolean rsource)
      implements Match {
    public String save() {
      StringBuilder b = new StringBuilder("-m recent ").append(mode.flag);
      if (seconds != null) {
        b.append(" --seconds ").append(seconds);
      }
      if (reap) {
        b.append(" --reap");
      }
      b.append(" --name ").append(name).append(" --mask 255.255.255.255 ")
          .append(rsource ? "--rsource" : "--rdest");
      return b.toString();
    }

    public String listing() {
      StringBuilder b = new StringBuilder("recent: ").append(mode.word);
      if (seconds != null) {
        b.append(" seconds: ").append(seconds);
      }
      if (reap) {
        b.append(" reap");
      }
      b.append(" name: ").append(name).append(" side: ").append(rsource ? "source" : "dest")
          .append(" mask: 255.255.255.255");
      return b.toString();
    }
  }

  /** {@code -m conntrack [!] --ctstate S,S}. */
  record Conntrack(Set<CtState> states, boolean negated) implements Match {
    public Conntrack {
      if (states.isEmpty()) {
        throw new IllegalArgumentException("--ctstate needs at least one state");
      }
      states = Set.copyOf(EnumSet.copyOf(states));
    }

    private String list() {
      List<String> out = new ArrayList<>();
      for (CtState s : CtState.values()) {
        if (states.contains(s)) {
          out.add(s.name());
        }
      }
      return String.join(",", out);
    }

    public String save() {
      return "-m conntrack " + neg(negated) + "--ctstate " + list();
    }

    public String listing() {
      return neg(negated) + "ctstate " + list();
    }
  }

  /** {@code -m physdev --physdev-is-in|--physdev-is-out|--physdev-is-bridged}. */
  record PhysDev(boolean isIn, boolean isOut, boolean isBridged) implements Match {
    public String save() {
      return "-m physdev" + flags();
    }

    private String flags() {
      return (isIn ? " --physdev-is-in" : "") + (isOut ? " --physdev-is-out" : "")
          + (isBridged ? " --physdev-is-bridged" : "");
    }

    public String listing() {
      return "PHYSDEV match" + flags();
    }
  }

  /**
   * {@code -m set [!] --match-set NAME src|dst[,dst]}: membership of the packet's addresses (and
   * port, for {@code hash:ip,port} sets) in an ipset.
   */
  record IpSet(String name, List<String> dirs, boolean negated) implements Match {
    public IpSet {
      dirs = List.copyOf(dirs);
    }

    public String save() {
      return "-m set " + neg(negated) + "--match-set " + name + " " + String.join(",", dirs);
    }

    public String listing() {
      return neg(negated) + "match-set " + name + " " + String.join(",", dirs);
    }
  }

  /** {@code -m nfacct --nfacct-name NAME} (iptables 1.8.9 prints two spaces before the name). */
  record Nfacct(String name) implements Match {
    public String save() {
      return "-m nfacct --nfacct-name  " + name;
    }

    public String listing() {
      return "nfacct-name  " + name;
    }
  }

  static String hex(int v) {
    return "0x" + Integer.toHexString(v);
  }
}
