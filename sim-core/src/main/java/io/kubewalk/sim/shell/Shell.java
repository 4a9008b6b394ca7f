package io.kubewalk.sim.shell;

import io.kubewalk.sim.api.CniConfig;
import io.kubewalk.sim.api.Node;
import io.kubewalk.sim.api.Pod;
import io.kubewalk.sim.cni.Dataplane;
import io.kubewalk.sim.net.netfilter.IptablesList;
import io.kubewalk.sim.net.netfilter.IptablesSave;
import io.kubewalk.sim.net.netfilter.Table;
import io.kubewalk.sim.net.ns.NetNamespace;
import io.kubewalk.sim.net.ipvs.IpSet;
import io.kubewalk.sim.net.ipvs.IpvsTable;
import io.kubewalk.sim.net.nftables.NftTable;
import io.kubewalk.sim.proxy.KubeProxy;
import io.kubewalk.sim.proxy.ipvs.IpvsState;
import io.kubewalk.sim.trace.Trace;
import java.time.LocalDateTime;
import io.kubewalk.sim.shell.iproute.IpCommand;
import io.kubewalk.sim.shell.sockets.Netstat;
import io.kubewalk.sim.shell.sockets.NodeProcesses;
import io.kubewalk.sim.shell.sockets.Ss;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The commands a student types on a node or in a pod ({@code kubewalk exec}), answered from the
 * model in the real tools' formats.
 */
public final class Shell {

  /** What a command printed and its exit status (2: not emulated or bad usage). */
  public record Result(String out, String err, int exitCode) {}

  /**
   * The time {@code iptables-save} prints in its header: fixed, so that output is reproducible
   * (a real node prints the current time).
   */
  public static final LocalDateTime CLOCK = LocalDateTime.of(2026, 11, 25, 7, 0, 20);

  private final Dataplane dataplane;
  private final KubeProxy proxy;
  private final List<Trace.Flow> flows;

  /** A shell on a cluster; {@code flows} is the conntrack state {@code conntrack -L} shows. */
  public Shell(Dataplane dataplane, KubeProxy proxy, List<Trace.Flow> flows) {
    this.dataplane = dataplane;
    this.proxy = proxy;
    this.flows = List.copyOf(flows);
  }

  public Shell(Dataplane dataplane, KubeProxy proxy) {
    this(dataplane, proxy, List.of());
  }

  public static final String NODE_COMMANDS = "ip addr|ip -br addr|ip addr show type bridge|"
      + "ip link|ip route|ip route get IP|ip neigh|bridge fdb|netstat -npl|ss -ltnp|ss -lunp|"
      + "ls /etc/cni/net.d|"
      + "cat /etc/cni/net.d/FILE|ls /opt/cni/bin|sysctl NAME|iptables-save [-t TABLE]|"
      + "iptables [-t TABLE] -L [CHAIN] -n [-v] [--line-numbers]|conntrack -L|"
      + "ipvsadm -Ln [--stats]|ipvsadm -Lnc|ipset list [NAME]|nft list ruleset|"
      + "nft list table ip kube-proxy";

  /** Runs a command on a node ({@code NAME}) or in a pod ({@code pod/NS/NAME}). */
  public Result run(String target, List<String> argv) {
    if (argv.isEmpty()) {
      return new Result("", "kubewalk: no command given (supported: " + NODE_COMMANDS + ")\n", 2);
    }
    NetNamespace ns;
    Node node = null;
    if (target.startsWith("pod/")) {
      String[] p = target.split("/", -1);
      if (p.length != 3) {
        return new Result("", "kubewalk: cannot read '" + target + "' (expected pod/NS/NAME)\n",
            2);
      }
      Pod pod = dataplane.cluster().pod(p[1], p[2]).orElse(null);
      if (pod == null) {
        return new Result("", "Error from server (NotFound): pods \"" + p[2] + "\" not found\n",
            1);
      }
      if (pod.hostNetwork()) {
        ns = dataplane.node(pod.nodeName());
      } else {
        ns = dataplane.pod(pod).orElse(null);
        if (ns == null) {
          return new Result("", "error: unable to upgrade connection: container not found (pod "
              + pod.key() + " is " + pod.phase().text() + " and has no network namespace)\n", 1);
        }
      }
    } else {
      node = dataplane.cluster().node(target).orElse(null);
      if (node == null) {
        return new Result("", "kubewalk: unknown node '" + target + "' (expected one of: "
            + String.join(", ", dataplane.cluster().nodes().stream().map(Node::name).toList())
            + ", or pod/NS/NAME)\n", 2);
      }
      ns = dataplane.node(target);
    }
    String cmd = argv.get(0);
    switch (cmd) {
      case "ip", "bridge" -> {
        IpCommand.Result r = new IpCommand(ns, dataplane::netnsId).run(argv);
        return new Result(r.out(), r.err(), r.exitCode());
      }
      case "netstat" -> {
        if (node == null) {
          return unsupported(argv);
        }
        String flags = argv.size() > 1 ? argv.get(1) : "";
        boolean t = !flags.contains("u") || flags.contains("t");
        boolean u = !flags.contains("t") || flags.contains("u");
        return ok(Netstat.render(NodeProcesses.listeners(dataplane.cluster(), node), t, u,
            !flags.contains("t") && !flags.contains("u")));
      }
      case "ss" -> {
        String flags = argv.size() == 2 ? argv.get(1) : "";
        if (node == null || !flags.startsWith("-") || !flags.contains("l")
            || !flags.contains("n") || flags.contains("t") == flags.contains("u")
            || !flags.substring(1).chars().allMatch(c -> "ltunp".indexOf(c) >= 0)) {
          return unsupported(argv);
        }
        return ok(Ss.render(NodeProcesses.listeners(dataplane.cluster(), node),
            flags.contains("t"), flags.contains("p")));
      }
      case "sysctl" -> {
        if (argv.size() != 2) {
          return unsupported(argv);
        }
        String key = argv.get(1);
        return ok(key + " = " + ns.sysctl(key) + "\n");
      }
      case "ls", "cat" -> {
        return files(node, argv);
      }
      case "iptables-save" -> {
        return node == null ? podTables(argv) : iptablesSave(node, argv);
      }
      case "iptables" -> {
        return node == null ? podTables(argv) : iptablesList(node, argv);
      }
      case "conntrack" -> {
        return conntrack(node, argv);
      }
      case "ipvsadm" -> {
        return node == null ? unsupported(argv) : ipvsadm(node, argv);
      }
      case "ipset" -> {
        return node == null ? unsupported(argv) : ipset(node, argv);
      }
      case "nft" -> {
        return node == null ? unsupported(argv) : nft(node, argv);
      }
      default -> {
        return unsupported(argv);
      }
    }
  }

  private static Result ok(String out) {
    return new Result(out, "", 0);
  }

  private static Result unsupported(List<String> argv) {
    return new Result("", "kubewalk: '" + String.join(" ", argv) + "' is not emulated"
        + " (supported: " + NODE_COMMANDS + ")\n", 2);
  }

  // ---- netfilter ---------------------------------------------------------------------------

  /** A pod's own namespace has no rules in this model (as in a pod without iptables use). */
  private static Result podTables(List<String> argv) {
    return argv.get(0).equals("iptables-save") ? ok("") : new Result("",
        "kubewalk: a pod's network namespace has no iptables rules here; run it on the node\n",
        2);
  }

  private Result iptablesSave(Node node, List<String> argv) {
    Table only = null;
    for (int i = 1; i < argv.size(); i++) {
      String a = argv.get(i);
      if ((a.equals("-t") || a.equals("--table")) && i + 1 < argv.size()) {
        only = table(argv.get(++i));
        if (only == null) {
          return new Result("", "iptables-save v1.8.9 (nf_tables): Table does not exist (do you"
              + " need to insmod?)\n", 1);
        }
      } else {
        return unsupported(argv);
      }
    }
    return ok(IptablesSave.render(proxy.iptables(node.name()), only, CLOCK));
  }

  private Result iptablesList(Node node, List<String> argv) {
    Table table = Table.FILTER;
    String chain = null;
    boolean list = false;
    boolean numeric = false;
    boolean lineNumbers = false;
    for (int i = 1; i < argv.size(); i++) {
      String a = argv.get(i);
      if ((a.equals("-t") || a.equals("--table")) && i + 1 < argv.size()) {
        table = table(argv.get(++i));
        if (table == null) {
          return new Result("", "iptables v1.8.9 (nf_tables): table '" + argv.get(i)
              + "' does not exist\nPerhaps iptables or your kernel needs to be upgraded.\n", 3);
        }
      } else if (a.equals("--line-numbers")) {
        lineNumbers = true;
      } else if (a.startsWith("-") && !a.startsWith("--") && a.length() > 1
          && a.substring(1).chars().allMatch(c -> "Lnv".indexOf(c) >= 0)) {
        list |= a.contains("L");
        numeric |= a.contains("n");
        if (a.endsWith("L") && i + 1 < argv.size() && !argv.get(i + 1).startsWith("-")) {
          chain = argv.get(++i);
        }
      } else {
        return unsupported(argv);
      }
    }
    if (!list || !numeric) {
      return new Result("", "kubewalk: emulated as iptables [-t TABLE] -L [CHAIN] -n -v"
          + " [--line-numbers] (-n is required: kubewalk does not resolve names)\n", 2);
    }
    try {
      return ok(IptablesList.render(proxy.iptables(node.name()), table, chain, lineNumbers));
    } catch (IllegalArgumentException e) {
      return new Result("", e.getMessage() + "\n", 1);
    }
  }

  private static Table table(String name) {
    try {
      return Table.parse(name);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** {@code conntrack -L}: the entries a trace left on this node (conntrack-tools 1.4.7). */
  private Result conntrack(Node node, List<String> argv) {
    if (node == null || argv.size() != 2 || !(argv.get(1).equals("-L")
        || argv.get(1).equals("--dump"))) {
      return unsupported(argv);
    }
    StringBuilder out = new StringBuilder();
    int n = 0;
    for (Trace.Flow f : flows) {
      if (f.node().equals(node.name()) && f.table().equals("conntrack")) {
        out.append(f.entry()).append('\n');
        n++;
      }
    }
    return new Result(out.toString(), "conntrack v1.4.7 (conntrack-tools): " + n
        + " flow entries have been shown.\n", 0);
  }

  /**
   * {@code ipvsadm -Ln [--stats]} and {@code -Lnc}: kube-proxy's virtual services in IPVS mode;
   * an empty table in the other modes (the ip_vs module is loaded, nothing is programmed).
   */
  private Result ipvsadm(Node node, List<String> argv) {
    String flags = String.join(" ", argv.subList(1, argv.size()));
    IpvsState st = proxy.ipvs(node.name());
    IpvsTable table = st == null ? new IpvsTable() : st.ipvs();
    switch (flags) {
      case "-Ln", "-L -n", "-ln" -> {
        return ok(table.list());
      }
      case "-Ln --stats", "-L -n --stats", "--stats -Ln" -> {
        return ok(table.listStats());
      }
      case "-Lnc", "-L -n -c", "-Lcn" -> {
        return ok(IpvsTable.listConnectionLines(flows.stream().filter(f -> f.table().equals("ipvs")
            && f.node().equals(node.name())).map(Trace.Flow::entry).toList()));
      }
      default -> {
        return unsupported(argv);
      }
    }
  }

  /** {@code ipset list [NAME]}: IPVS mode's sets (none exist in the other modes). */
  private Result ipset(Node node, List<String> argv) {
    if (argv.size() < 2 || argv.size() > 3 || !(argv.get(1).equals("list")
        || argv.get(1).equals("-L"))) {
      return unsupported(argv);
    }
    IpvsState st = proxy.ipvs(node.name());
    if (argv.size() == 2) {
      return ok(st == null ? "" : st.ipsetList());
    }
    IpSet set = st == null ? null : st.ipset(argv.get(2));
    if (set == null) {
      return new Result("", "ipset v7.17: The set with the given name does not exist\n", 1);
    }
    return ok(set.list());
  }

  /** {@code nft list ruleset} / {@code nft list table ip kube-proxy} in nftables mode. */
  private Result nft(Node node, List<String> argv) {
    String cmd = String.join(" ", argv.subList(1, argv.size()));
    NftTable t = proxy.nft(node.name());
    if (!cmd.equals("list ruleset") && !cmd.equals("list table ip kube-proxy")) {
      return unsupported(argv);
    }
    if (t == null) {
      return new Result("", cmd.equals("list ruleset") ? "kubewalk: kube-proxy runs in "
          + proxy.mode() + " mode here and has no nftables table; its rules are in"
          + " iptables-save\n" : "Error: No such file or directory\nlist table ip kube-proxy\n"
          + "                 ^^^^^^^^^^\n", 1);
    }
    return new Result(t.list(), cmd.equals("list ruleset") ? "kubewalk: only kube-proxy's table"
        + " is shown; the kubelet's and the CNI plugin's rules are in iptables-save\n" : "", 0);
  }

  // ---- files -------------------------------------------------------------------------------

  private Result files(Node node, List<String> argv) {
    if (node == null || argv.size() != 2) {
      return unsupported(argv);
    }
    String path = argv.get(1).replaceAll("/+$", "");
    Map<String, String> conf = cniConfig();
    if (argv.get(0).equals("ls")) {
      if (path.equals("/etc/cni/net.d")) {
        return ok(conf.isEmpty() ? "" : String.join("  ", conf.keySet()) + "\n");
      }
      if (path.equals("/opt/cni/bin")) {
        return ok(columns(cniBinaries(), 80));
      }
      return new Result("", "ls: cannot access '" + argv.get(1)
          + "': No such file or directory (kubewalk emulates /etc/cni/net.d and /opt/cni/bin)\n",
          2);
    }
    String file = path.startsWith("/etc/cni/net.d/") ? path.substring(15) : null;
    if (file == null || !conf.containsKey(file)) {
      return new Result("", "cat: " + argv.get(1) + ": No such file or directory\n", 1);
    }
    return ok(conf.get(file));
  }

  private Map<String, String> cniConfig() {
    CniConfig cni = dataplane.cluster().config().cni();
    Map<String, String> m = new TreeMap<>();
    switch (cni.plugin()) {
      case flannel -> {
        if (cni.installed()) {
          m.put("10-flannel.conflist", """
              {
                "name": "cbr0",
                "cniVersion": "0.3.1",
                "plugins": [
                  {
                    "type": "flannel",
                    "delegate": {
                      "hairpinMode": true,
                      "isDefaultGateway": true
                    }
                  },
                  {
                    "type": "portmap",
                    "capabilities": {
                      "portMappings": true
                    }
                  }
                ]
              }
              """);
        }
      }
      case weave -> m.put("10-weave.conflist", """
          {
              "cniVersion": "0.3.0",
              "name": "weave",
              "plugins": [
                  {
                      "name": "weave",
                      "type": "weave-net",
                      "hairpinMode": true
                  },
                  {
                      "type": "portmap",
                      "capabilities": {"portMappings": true},
                      "snat": true
                  }
              ]
          }
          """);
      case calico -> {
        if (cni.installed()) {
          m.put("10-calico.conflist", """
              {
                "name": "k8s-pod-network",
                "cniVersion": "0.3.1",
                "plugins": [
                  {
                    "type": "calico",
                    "datastore_type": "kubernetes",
                    "mtu": 0,
                    "nodename_file_optional": false,
                    "ipam": {
                        "type": "calico-ipam",
                        "assign_ipv4" : "true",
                        "assign_ipv6" : "false"
                    },
                    "policy": {
                        "type": "k8s"
                    },
                    "kubernetes": {
                        "kubeconfig": "/etc/cni/net.d/calico-kubeconfig"
                    }
                  },
                  {
                    "type": "portmap",
                    "snat": true,
                    "capabilities": {"portMappings": true}
                  }
                ]
              }
              """);
          m.put("calico-kubeconfig", "# Kubeconfig file for Calico CNI plugin.\n");
        }
      }
      case kindnet -> {
        if (cni.installed()) {
          m.put("10-kindnet.conflist", """
              {
              \t"cniVersion": "0.3.1",
              \t"name": "kindnet",
              \t"plugins": [
              \t{
              \t\t"type": "ptp",
              \t\t"ipMasq": false,
              \t\t"ipam": {
              \t\t\t"type": "host-local",
              \t\t\t"dataDir": "/run/cni-ipam-state",
              \t\t\t"routes": [
              \t\t\t\t{ "dst": "0.0.0.0/0" }
              \t\t\t],
              \t\t\t"ranges": [
              \t\t\t\t[ { "subnet": "%s" } ]
              \t\t\t]
              \t\t}
              \t,
              \t\t"mtu": 1500
              \t},
              \t{
              \t\t"type": "portmap",
              \t\t"capabilities": {
              \t\t\t"portMappings": true
              \t\t}
              \t}
              \t]
              }
              """.formatted(dataplane.cluster().config().podSubnet()));
        }
      }
      case bridge -> m.put("10-bridge.conf", """
          {
            "cniVersion": "0.3.1",
            "name": "bridge",
            "type": "bridge",
            "bridge": "cni0",
            "isGateway": true,
            "ipMasq": true,
            "hairpinMode": true,
            "ipam": {
              "type": "host-local",
              "ranges": [[{"subnet": "%s"}]],
              "routes": [{"dst": "0.0.0.0/0"}]
            }
          }
          """.formatted(dataplane.cluster().config().podSubnet()));
      case none -> { }
    }
    return m;
  }

  private List<String> cniBinaries() {
    List<String> bins = new ArrayList<>(List.of("bandwidth", "bridge", "dhcp", "dummy",
        "firewall", "flannel", "host-device", "host-local", "ipvlan", "LICENSE", "loopback",
        "macvlan", "portmap", "ptp", "README.md", "sbr", "static", "tap", "tuning", "vlan",
        "vrf"));
    switch (dataplane.cluster().config().cni().plugin()) {
      case weave -> bins.addAll(List.of("weave-ipam", "weave-net", "weave-plugin-2.8.1"));
      case calico -> bins.addAll(List.of("calico", "calico-ipam", "install"));
      default -> { }
    }
    bins.sort((a, b) -> a.toLowerCase(Locale.ROOT).replace("-", "").replace(".", "")
        .compareTo(b.toLowerCase(Locale.ROOT).replace("-", "").replace(".", "")));
    return bins;
  }

  /** {@code ls -C}: column-major, as few rows as fit the width, columns two spaces apart. */
  static String columns(List<String> names, int width) {
    for (int rows = 1; rows <= names.size(); rows++) {
      int cols = (names.size() + rows - 1) / rows;
      int[] w = new int[cols];
      for (int i = 0; i < names.size(); i++) {
        w[i / rows] = Math.max(w[i / rows], names.get(i).length());
      }
      int total = 0;
      for (int c = 0; c < cols; c++) {
        total += w[c] + (c < cols - 1 ? 2 : 0);
      }
      if (total <= width || rows == names.size()) {
        StringBuilder sb = new StringBuilder();
        for (int r = 0; r < rows; r++) {
          StringBuilder line = new StringBuilder();
          for (int c = 0; c < cols; c++) {
            int i = c * rows + r;
            if (i < names.size()) {
              line.append(String.format(Locale.ROOT, "%-" + (w[c] + 2) + "s", names.get(i)));
            }
          }
          sb.append(line.toString().stripTrailing()).append('\n');
        }
        return sb.toString();
      }
    }
    return "";
  }
}
