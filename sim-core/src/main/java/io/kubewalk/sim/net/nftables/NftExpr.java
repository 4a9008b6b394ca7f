package io.kubewalk.sim.net.nftables;

import io.kubewalk.sim.net.Cidr;
import io.kubewalk.sim.net.Ip;
import io.kubewalk.sim.net.Protocol;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * One statement or match of an nftables rule, typed so that the evaluator can run it. {@link
 * #text()} is the text kube-proxy writes (what {@code nft -f} reads); {@link #listText()} is what
 * {@code nft list} prints back for it (nft 1.0.6 rewrites some statements, e.g. {@code mark set mark
 * or 0x4000} becomes {@code meta mark set meta mark | 0x00004000}).
 */
public sealed interface NftExpr {

  String text();

  default String listText() {
    return text();
  }

  /** {@code ip saddr 10.0.0.0/8}, {@code ip daddr != 127.0.0.0/8}, {@code ip saddr != { a, b }}. */
  record AddrMatch(boolean source, boolean negate, List<Cidr> cidrs, boolean braces)
      implements NftExpr {
    public AddrMatch {
      cidrs = List.copyOf(cidrs);
      if (cidrs.isEmpty()) {
        throw new IllegalArgumentException("address match needs at least one address");
      }
    }

    public boolean matches(Ip ip) {
      boolean in = cidrs.stream().anyMatch(c -> c.contains(ip));
      return negate != in;
    }

    private String field() {
      return source ? "ip saddr" : "ip daddr";
    }

    private static String addr(Cidr c) {
      return c.prefix() == 32 ? c.network().toString() : c.toString();
    }

    @Override
    public String text() {
      String values = cidrs.stream().map(AddrMatch::addr).collect(Collectors.joining(" , "));
      return field() + (negate ? " != " : " ") + (braces ? "{ " + values + " }" : values);
    }

    @Override
    public String listText() {
      String values = cidrs.stream().map(AddrMatch::addr).collect(Collectors.joining(", "));
      boolean set = cidrs.size() > 1;
      return field() + (negate ? " != " : " ") + (set ? "{ " + values + " }" : values);
    }
  }

  /** {@code ip daddr @cluster-ips}. */
  record AddrInSet(boolean source, String set) implements NftExpr {
    @Override
    public String text() {
      return (source ? "ip saddr" : "ip daddr") + " @" + set;
    }
  }

  /** {@code fib saddr type local} / {@code fib daddr type local}. */
  record FibLocal(boolean source) implements NftExpr {
    @Override
    public String text() {
      return "fib " + (source ? "saddr" : "daddr") + " type local";
    }
  }

  /** {@code ct state new}. */
  record CtStateNew() implements NftExpr {
    @Override
    public String text() {
      return "ct state new";
    }
  }

  /** {@code meta l4proto tcp}. */
  record L4Proto(Protocol protocol) implements NftExpr {
    @Override
    public String text() {
      return "meta l4proto " + protocol.lower();
    }
  }

  /**
   * A verdict-map lookup on the packet's {@code ip daddr . meta l4proto . th dport} (withAddr) or
   * {@code meta l4proto . th dport}.
   */
  record VmapLookup(boolean withAddr, String map) implements NftExpr {
    @Override
    public String text() {
      return (withAddr ? "ip daddr . " : "") + "meta l4proto . th dport vmap @" + map;
    }
  }

  /** {@code numgen random mod N vmap { 0 : goto a , 1 : goto b }}. */
  record NumgenVmap(List<String> chains) implements NftExpr {
    public NumgenVmap {
      chains = List.copyOf(chains);
    }

    private String elements(String sep) {
      StringBuilder b = new StringBuilder();
      for (int i = 0; i < chains.size(); i++) {
        if (i > 0) {
          b.append(sep);
        }
        b.append(i).append(" : goto ").append(chains.get(i));
      }
      return b.toString();
    }

    @Override
    public String text() {
      return "numgen random mod " + chains.size() + " vmap { " + elements(" , ") + " }";
    }

    @Override
    public String listText() {
      return "numgen random mod " + chains.size() + " vmap { " + elements(", ") + " }";
    }
  }

  /** {@code mark set mark or 0x4000}. */
  record MarkOr(int mark) implements NftExpr {
    @Override
    public String text() {
      return "mark set mark or " + hex(mark);
    }

    @Override
    public String listText() {
      return "meta mark set meta mark | " + hex8(mark);
    }
  }

  /** {@code mark set mark xor 0x4000}. */
  record MarkXor(int mark) implements NftExpr {
    @Override
    public String text() {
      return "mark set mark xor " + hex(mark);
    }

    @Override
    public String listText() {
      return "meta mark set meta mark ^ " + hex8(mark);
    }
  }

  /** {@code mark and 0x4000 == 0}: true when the mark bit is clear. */
  record MarkClear(int mark) implements NftExpr {
    @Override
    public String text() {
      return "mark and " + hex(mark) + " == 0";
    }

    @Override
    public String listText() {
      return "meta mark & " + hex8(mark) + " == 0x00000000";
    }
  }

  /** {@code masquerade fully-random}. */
  record Masquerade() implements NftExpr {
    @Override
    public String text() {
      return "masquerade fully-random";
    }
  }

  /** {@code dnat to 10.180.0.1:80}. */
  record Dnat(Ip ip, int port) implements NftExpr {
    @Override
    public String text() {
      return "dnat to " + ip + ":" + port;
    }
  }

  /** {@code update @affinity-... { ip saddr }}. */
  record UpdateSet(String set) implements NftExpr {
    @Override
    public String text() {
      return "update @" + set + " { ip saddr }";
    }
  }

  /** A verdict: {@code jump X}, {@code goto X}, {@code return}, {@code drop}, {@code reject}. */
  record Verdict(Kind kind, String target) implements NftExpr {
    public enum Kind {
      JUMP,
      GOTO,
      RETURN,
      DROP,
      REJECT,
      ACCEPT
    }

    public Verdict {
      if ((kind == Kind.JUMP || kind == Kind.GOTO) != (target != null)) {
        throw new IllegalArgumentException(kind + " with target " + target);
      }
    }

    public static Verdict jump(String chain) {
      return new Verdict(Kind.JUMP, chain);
    }

    public static Verdict goTo(String chain) {
      return new Verdict(Kind.GOTO, chain);
    }

    public static Verdict of(Kind kind) {
      return new Verdict(kind, null);
    }

    /** Parses a map element's verdict ({@code goto x}, {@code drop}...). */
    public static Verdict parse(String text) {
      String[] w = text.trim().split(" ");
      Kind k = Kind.valueOf(w[0].toUpperCase(Locale.ROOT));
      return new Verdict(k, w.length > 1 ? w[1] : null);
    }

    @Override
    public String text() {
      return kind.name().toLowerCase(Locale.ROOT) + (target == null ? "" : " " + target);
    }
  }

  static String hex(int v) {
    return "0x" + Integer.toHexString(v);
  }

  static String hex8(int v) {
    return String.format(Locale.ROOT, "0x%08x", v);
  }
}
