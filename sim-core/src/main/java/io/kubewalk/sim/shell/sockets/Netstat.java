package io.kubewalk.sim.shell.sockets;

import java.util.List;
import java.util.Locale;

/**
 * {@code netstat -npl} (and {@code -nplt}, {@code -nplu}) as net-tools 2.10 prints it: tcp, then
 * tcp6 (dual-stack Go listeners such as kube-apiserver's *:6443 show as {@code :::6443}), then udp,
 * then the UNIX sockets; program names cut to fit "PID/name" in 19 characters, which is why the
 * seed shows {@code kube-controlle}.
 */
public final class Netstat {

  private Netstat() {}

  public static String render(List<NodeProcesses.Listener> listeners, boolean tcp, boolean udp,
      boolean unix) {
    StringBuilder sb = new StringBuilder("Active Internet connections (only servers)\n");
    sb.append("Proto Recv-Q Send-Q Local Address           Foreign Address         State      "
        + " PID/Program name    \n");
    if (tcp) {
      listeners.stream().filter(l -> l.proto().equals("tcp") && !l.address().equals("*"))
          .forEach(l -> row(sb, "tcp", l.address() + ":" + l.port(), "0.0.0.0:*", "LISTEN", l));
      listeners.stream().filter(l -> l.proto().equals("tcp") && l.address().equals("*"))
          .forEach(l -> row(sb, "tcp6", ":::" + l.port(), ":::*", "LISTEN", l));
    }
    if (udp) {
      listeners.stream().filter(l -> l.proto().equals("udp"))
          .forEach(l -> row(sb, "udp", l.address() + ":" + l.port(), "0.0.0.0:*", "", l));
    }
    if (unix) {
      sb.append("Active UNIX domain sockets (only servers)\n");
      sb.append("Proto RefCnt Flags       Type       State         I-Node   PID/Program name    "
          + " Path\n");
      unix(sb, 21874, "1012/containerd", "/run/containerd/containerd.sock.ttrpc");
      unix(sb, 21876, "1012/containerd", "/run/containerd/containerd.sock");
      unix(sb, 30211, "4203/kubelet", "/var/lib/kubelet/pod-resources/kubelet.sock");
      unix(sb, 30213, "4203/kubelet", "/var/lib/kubelet/device-plugins/kubelet.sock");
    }
    return sb.toString();
  }

  private static void row(StringBuilder sb, String proto, String local, String remote,
      String state, NodeProcesses.Listener l) {
    String prog = l.pid() == 0 ? "-" : l.pid() + "/" + l.program();
    if (prog.length() > 19) {
      prog = prog.substring(0, 19);
    }
    sb.append(String.format(Locale.ROOT, "%-4s  %6d %6d %-23s %-23s %-11s %-20s\n", proto, 0, 0,
        local, remote, state, prog));
  }

  private static void unix(StringBuilder sb, int inode, String prog, String path) {
    sb.append(String.format(Locale.ROOT, "unix  2      [ ACC ]     STREAM     LISTENING     %-8d"
        + " %-20s %s\n", inode, prog, path));
  }
}
