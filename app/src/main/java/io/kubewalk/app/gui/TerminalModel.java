package io.kubewalk.app.gui;

import io.kubewalk.sim.Simulation;
import io.kubewalk.sim.api.Pod;
import io.kubewalk.sim.shell.Shell;
import io.kubewalk.sim.shell.kubectl.Kubectl;
import io.kubewalk.sim.trace.Trace;
import java.util.ArrayList;
import java.util.List;

/**
 * The terminal tab without JavaFX: where a command runs (a node or {@code pod/NS/NAME}), the
 * command history walked with Up/Down as a shell does, and the output of one command exactly as
 * {@code kubewalk exec} / {@code kubewalk kubectl} print it (stdout, then stderr). A command
 * line starting with {@code kubectl} goes to the emulated kubectl; {@code conntrack -L} shows the
 * entries the last trace left.
 */
public final class TerminalModel {

  private final List<String> history = new ArrayList<>();
  private int cursor;
  private String draft = "";

  /** Where commands can run: every node, then every pod with a network namespace. */
  public static List<String> targets(Simulation sim) {
    List<String> out = new ArrayList<>();
    sim.cluster().nodes().forEach(n -> out.add(n.name()));
    for (Pod p : sim.cluster().pods()) {
      if (!p.hostNetwork() && sim.dataplane().pod(p).isPresent()) {
        out.add("pod/" + p.key());
      }
    }
    return out;
  }

  /**
   * Runs {@code line} on {@code target} and records it in the history; returns the transcript
   * ({@code target$ line}, then the output). {@code after} (may be null) is the trace whose
   * conntrack entries {@code conntrack -L} shows.
   */
  public String run(Simulation sim, String target, String line, Trace after) {
    remember(line);
    return execute(sim, target, line, after);
  }

  /** Records a command line in the history (not twice in a row) and resets Up/Down. */
  public void remember(String line) {
    String cmd = line == null ? "" : line.strip();
    if (cmd.isEmpty()) {
      return;
    }
    if (history.isEmpty() || !history.get(history.size() - 1).equals(cmd)) {
      history.add(cmd);
    }
    cursor = history.size();
    draft = "";
  }

  /** Runs a command line without touching the history; safe off the FX thread. */
  public static String execute(Simulation sim, String target, String line, Trace after) {
    String cmd = line == null ? "" : line.strip();
    if (cmd.isEmpty()) {
      return "";
    }
    StringBuilder sb = new StringBuilder();
    sb.append(prompt(target)).append(cmd).append('\n');
    List<String> argv;
    try {
      argv = split(cmd);
    } catch (IllegalArgumentException e) {
      return sb.append("kubewalk: ").append(e.getMessage()).append('\n').toString();
    }
    if (argv.get(0).equals("help")) {
      return sb.append(help()).toString();
    }
    try {
      if (argv.get(0).equals("kubectl")) {
        Kubectl.Result r = sim.kubectl(argv.subList(1, argv.size()));
        sb.append(r.out()).append(r.err());
      } else {
        Shell.Result r = after == null ? sim.exec(target, argv) : sim.exec(after, target, argv);
        sb.append(r.out()).append(r.err());
      }
    } catch (RuntimeException e) {
      sb.append("kubewalk: ").append(e.getMessage()).append('\n');
    }
    if (sb.charAt(sb.length() - 1) != '\n') {
      sb.append('\n');
    }
    return sb.toString();
  }

  /** The prompt shown before a command: {@code root@node01:~# } or {@code / # } in a pod. */
  public static String prompt(String target) {
    return target != null && target.startsWith("pod/") ? target + " # " : "root@" + target
        + ":~# ";
  }

  static String help() {
    return "Commands run on the chosen node or in the chosen pod, as in `kubewalk exec`:\n"
        + "  ip addr | ip -br addr | ip link | ip route | ip route get IP | ip neigh\n"
        + "  bridge fdb | netstat -npl | sysctl NAME | ls /etc/cni/net.d\n"
        + "  iptables-save [-t TABLE] | iptables [-t TABLE] -L [CHAIN] -n [-v] [--line-numbers]\n"
        + "  conntrack -L (after a trace) | ipvsadm -Ln | ipvsadm -Lnc | ipset list\n"
        + "  nft list ruleset | nft list table ip kube-proxy\n"
        + "  kubectl get nodes|pods|svc|endpointslices ... (the emulated kubectl)\n"
        + "Up/Down walk the history.\n";
  }

  /** The previous command (Up), or the oldest when already there; the draft when empty. */
  public String up(String current) {
    if (history.isEmpty()) {
      return current;
    }
    if (cursor == history.size()) {
      draft = current == null ? "" : current;
    }
    cursor = Math.max(0, cursor - 1);
    return history.get(cursor);
  }

  /** The next command (Down); past the newest, what was being typed before Up. */
  public String down() {
    if (cursor >= history.size() - 1) {
      cursor = history.size();
      return draft;
    }
    cursor++;
    return history.get(cursor);
  }

  public List<String> history() {
    return List.copyOf(history);
  }

  /** Splits a command line as a shell would: blanks separate, quotes group, backslash escapes. */
  static List<String> split(String line) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean any = false;
    char quote = 0;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        } else if (c == '\\' && quote == '"' && i + 1 < line.length()) {
          cur.append(line.charAt(++i));
        } else {
          cur.append(c);
        }
      } else if (c == '\'' || c == '"') {
        quote = c;
        any = true;
      } else if (c == '\\' && i + 1 < line.length()) {
        cur.append(line.charAt(++i));
        any = true;
      } else if (Character.isWhitespace(c)) {
        if (any || cur.length() > 0) {
          out.add(cur.toString());
          cur.setLength(0);
          any = false;
        }
      } else {
        cur.append(c);
      }
    }
    if (quote != 0) {
      throw new IllegalArgumentException("unterminated quote in: " + line);
    }
    if (any || cur.length() > 0) {
      out.add(cur.toString());
    }
    return out;
  }
}
