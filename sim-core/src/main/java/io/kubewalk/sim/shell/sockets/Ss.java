package io.kubewalk.sim.shell.sockets;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code ss -ltn[p]} (and {@code -lun[p]}) as iproute2 6.1 prints it: columns as wide as their
 * widest cell, the local and peer addresses right-aligned against the {@code :} and their ports
 * left-aligned, a dual-stack listener as {@code *}, the process as
 * {@code users:(("NAME",pid=N,fd=N))} with the name cut to the 15 characters of
 * {@code /proc/PID/comm} (so {@code kube-controller}). Checked against the real ss.
 */
public final class Ss {

  private Ss() {}

  public static String render(List<NodeProcesses.Listener> listeners, boolean tcp,
      boolean processes) {
    List<String[]> rows = new ArrayList<>();
    Map<Integer, Integer> fds = new HashMap<>();
    for (NodeProcesses.Listener l : listeners) {
      if (!l.proto().equals(tcp ? "tcp" : "udp")) {
        continue;
      }
      boolean any = l.address().equals("*");
      String process = "";
      if (processes && l.pid() != 0) {
        int fd = fds.merge(l.pid(), 1, Integer::sum) + 2;
        String comm = l.program().length() > 15 ? l.program().substring(0, 15) : l.program();
        process = " users:((\"" + comm + "\",pid=" + l.pid() + ",fd=" + fd + "))";
      }
      rows.add(new String[] {tcp ? "LISTEN" : "UNCONN", "0", tcp ? "4096" : "0",
          any ? "*" : l.address(), String.valueOf(l.port()), any ? "*" : "0.0.0.0", "*",
          process});
    }
    String[] header = {"State", "Recv-Q", "Send-Q", "Local Address", "Port", "Peer Address",
        "Port", "Process"};
    int[] w = new int[header.length];
    for (int i = 0; i < header.length; i++) {
      w[i] = header[i].length();
      for (String[] r : rows) {
        w[i] = Math.max(w[i], r[i].length());
      }
    }
    StringBuilder sb = new StringBuilder();
    line(sb, header, w);
    rows.forEach(r -> line(sb, r, w));
    return sb.toString();
  }

  private static void line(StringBuilder sb, String[] c, int[] w) {
    sb.append(left(c[0], w[0])).append(' ').append(left(c[1], w[1])).append(' ')
        .append(left(c[2], w[2])).append(' ').append(right(c[3], w[3])).append(':')
        .append(left(c[4], w[4])).append(' ').append(right(c[5], w[5])).append(':')
        .append(left(c[6], w[6])).append(left(c[7], w[7])).append('\n');
  }

  private static String left(String s, int w) {
    return s + " ".repeat(w - s.length());
  }

  private static String right(String s, int w) {
    return " ".repeat(w - s.length()) + s;
  }
}
