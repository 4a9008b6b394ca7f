package io.kubewalk.sim.net.netfilter;

import io.kubewalk.sim.net.Ip;

/**
 * What a rule does when it matches. {@link #save()} is the exact {@code iptables-save} text
 * ({@code -j ...}), {@link #name()} the -L target column, {@link #listing()} its options column.
 */
public sealed interface Target {

  String save();

  String name();

  default String listing() {
    return "";
  }

  /** No {@code -j}: the rule only counts packets. */
  record None() implements Target {
    public String save() {
      return "";
    }

    public String name() {
      return "";
    }
  }

  /** ACCEPT, DROP or RETURN. */
  record Builtin(String name) implements Target {
    public Builtin {
      if (!name.equals("ACCEPT") && !name.equals("DROP") && !name.equals("RETURN")) {
        throw new IllegalArgumentException("not a built-in verdict: " + name);
      }
    }

    public String save() {
      return "-j " + name;
    }
  }

  /** {@code -j REJECT --reject-with TYPE} (icmp-port-unreachable unless told). */
  record Reject(String with) implements Target {
    public String save() {
      return "-j REJECT --reject-with " + with;
    }

    public String name() {
      return "REJECT";
    }

    public String listing() {
      return "reject-with " + with;
    }
  }

  /** {@code -j CHAIN}. */
  record Jump(String chain) implements Target {
    public String save() {
      return "-j " + chain;
    }

    public String name() {
      return chain;
    }
  }

  /** {@code -g CHAIN}. */
  record Goto(String chain) implements Target {
    public String save() {
      return "-g " + chain;
    }

    public String name() {
      return chain;
    }
  }

  /**
   * {@code -j MARK --set-xmark VALUE/MASK}: {@code mark = (mark & ~MASK) ^ VALUE}. kube-proxy's
   * {@code --or-mark X} is X/X, {@code --xor-mark X} is X/0, {@code --set-mark X} X/0xffffffff.
   */
  record SetMark(int value, int mask) implements Target {
    public int apply(int mark) {
      return (mark & ~mask) ^ value;
    }

    public String save() {
      return "-j MARK --set-xmark " + Match.hex(value) + "/" + Match.hex(mask);
    }

    public String name() {
      return "MARK";
    }

    public String listing() {
      if (mask == -1) {
        return "MARK set " + Match.hex(value);
      }
      if (value == 0) {
        return "MARK and " + Match.hex(~mask);
      }
      if (value == mask) {
        return "MARK or " + Match.hex(value);
      }
      if (mask == 0) {
        return "MARK xor " + Match.hex(value);
      }
      return "MARK xset " + Match.hex(value) + "/" + Match.hex(mask);
    }
  }

  /** {@code -j DNAT --to-destination IP[:PORT]}. */
  record Dnat(Ip ip, Integer port) implements Target {
    private String to() {
      return ip + (port == null ? "" : ":" + port);
    }

    public String save() {
      return "-j DNAT --to-destination " + to();
    }

    public String name() {
      return "DNAT";
    }

    public String listing() {
      return "to:" + to();
    }
  }

  /** {@code -j SNAT --to-source IP [--random-fully]}. */
  record Snat(Ip ip, boolean randomFully) implements Target {
    public String save() {
      return "-j SNAT --to-source " + ip + (randomFully ? " --random-fully" : "");
    }

    public String name() {
      return "SNAT";
    }

    public String listing() {
      return "to:" + ip + (randomFully ? " random-fully" : "");
    }
  }

  /** {@code -j MASQUERADE [--random-fully]}. */
  record Masquerade(boolean randomFully) implements Target {
    public String save() {
      return "-j MASQUERADE" + (randomFully ? " --random-fully" : "");
    }

    public String name() {
      return "MASQUERADE";
    }

    public String listing() {
      return randomFully ? "random-fully" : "";
    }
  }
}
