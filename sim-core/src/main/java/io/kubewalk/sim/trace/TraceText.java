package io.kubewalk.sim.trace;

import java.util.Locale;

/** A trace as numbered, readable hops: what {@code kubewalk trace} prints without --json. */
public final class TraceText {

  private TraceText() {}

  /** Numbered hops a student can read: where, what, and the packet after the step. */
  public static String render(Trace t) {
    StringBuilder sb = new StringBuilder();
    render(t, sb);
    if (t.reply() != null) {
      sb.append("\n--- reply ---\n");
      render(t.reply(), sb);
    }
    return sb.toString();
  }

  private static void render(Trace t, StringBuilder sb) {
    String lastNs = null;
    for (Step s : t.steps()) {
      String ns = s.node() + " / " + s.netns();
      if (!ns.equals(lastNs)) {
        sb.append("[").append(ns).append("]\n");
        lastNs = ns;
      }
      sb.append(String.format(Locale.ROOT, "%3d  %-9s %-12s %s\n", s.index(), s.kind(),
          s.device() == null ? "" : s.device(), s.detail()));
      if (s.rule() != null) {
        sb.append("                          rule: ").append(s.rule()).append('\n');
      }
      var p = s.packet();
      sb.append("                          packet: ").append(p.src()).append(':')
          .append(p.sport()).append(" -> ").append(p.dst()).append(':').append(p.dport())
          .append(' ').append(p.proto().lower()).append(" ttl ").append(p.ttl());
      if (p.mark() != 0) {
        sb.append(" mark 0x").append(Integer.toHexString(p.mark()));
      }
      if (s.ct() != null) {
        sb.append(" ct ").append(s.ct());
      }
      if (p.outer() != null) {
        sb.append(" | outer ").append(p.outer().src()).append(" -> ").append(p.outer().dst())
            .append(p.outer().dport() == 0 ? " ipip" : " udp/" + p.outer().dport() + " vni "
                + p.outer().vni());
      }
      sb.append('\n');
    }
    sb.append('\n').append(t.verdict());
    if (t.deliveredTo() != null) {
      sb.append(": ").append(t.deliveredTo().kind()).append(' ').append(t.deliveredTo().name())
          .append(" (").append(t.deliveredTo().ip()).append(':').append(t.deliveredTo().port())
          .append("), source seen as ").append(t.sourceSeen());
    }
    sb.append('\n');
    if (t.reason() != null) {
      sb.append("why:  ").append(t.reason()).append('\n');
    }
    if (t.hint() != null) {
      sb.append("hint: ").append(t.hint()).append('\n');
    }
    if (t.service() != null) {
      sb.append("service: ").append(t.service()).append(t.masqueraded() ? " (masqueraded)" : "")
          .append('\n');
    } else if (t.masqueraded()) {
      sb.append("masqueraded\n");
    }
    if (!t.candidates().isEmpty()) {
      sb.append("candidates:");
      for (Trace.Candidate c : t.candidates()) {
        sb.append(String.format(Locale.ROOT, " %s (%.4f)", c.endpoint(), c.probability()));
      }
      sb.append('\n');
    }
    if (t.cost() != null && t.cost().rulesEvaluated() > 0) {
      sb.append("cost: ").append(t.cost().rulesEvaluated()).append(" rules evaluated, ")
          .append(t.cost().lookups()).append(" lookups (conntrack, IPVS, nft sets and maps)\n");
    }
  }
}
