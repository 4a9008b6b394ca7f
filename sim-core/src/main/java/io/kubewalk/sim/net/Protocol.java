package io.kubewalk.sim.net;

import java.util.Locale;

/** Transport protocols a Service port may use. */
public enum Protocol {
  TCP(6),
  UDP(17),
  SCTP(132);

  private final int number;

  Protocol(int number) {
    this.number = number;
  }

  public int number() {
    return number;
  }

  /** Lower-case name as iptables, nft and the trace JSON print it. */
  public String lower() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses TCP/tcp/UDP/udp/SCTP/sctp; throws with the accepted values otherwise. */
  public static Protocol parse(String text) {
    if (text != null) {
      for (Protocol p : values()) {
        if (p.name().equalsIgnoreCase(text.trim())) {
          return p;
        }
      }
    }
    throw new IllegalArgumentException(
        "unknown protocol '" + text + "' (expected TCP, UDP or SCTP)");
  }
}
