package io.kubewalk.sim.export;

import io.kubewalk.sim.Simulation;
import io.kubewalk.sim.api.ContainerPort;
import io.kubewalk.sim.api.ExternalClient;
import io.kubewalk.sim.api.Node;
import io.kubewalk.sim.api.Pod;
import io.kubewalk.sim.api.ProxyConfig;
import io.kubewalk.sim.api.Service;
import io.kubewalk.sim.api.ServicePort;
import io.kubewalk.sim.cni.Dataplane;
import io.kubewalk.sim.control.Cluster;
import io.kubewalk.sim.net.IfAddr;
import io.kubewalk.sim.net.Ip;
import io.kubewalk.sim.net.Protocol;
import io.kubewalk.sim.net.ns.Link;
import io.kubewalk.sim.net.ns.NetNamespace;
import io.kubewalk.sim.net.ns.Route;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A scenario as a bash script that builds it in real Linux network namespaces ({@code kubewalk
 * export -s S netns}): an underlay namespace whose bridge {@code br0} joins every node's
 * {@code eth*}, one namespace per node and per pod with the bridges, VXLAN devices (FDB and
 * neighbour entries written, no learning), veths, routes and sysctls kubewalk modelled, each
 * node's generated iptables (or nftables) rules loaded by the real {@code iptables-restore}
 * ({@code nft -f}), an outside namespace that owns the nodes' gateway and the external clients'
 * addresses, and a small HTTP server in every pod on each declared TCP container port that
 * answers with the pod's name and the client address it saw.
 *
 * <pre>
 *   kw-underlay: br0 ── node01-eth0 ─── eth0 :kw-node01: cni0 ── vethXXXX ─── eth0 :kw-node01-web-1
 *                   ├── node02-eth0 ─── eth0 :kw-node02: flannel.1 (vxlan 1, dstport 8472)
 *                   └── laptop-eth0 ─── eth0 :kw-laptop  (192.168.56.1/24, 203.0.113.7)
 * </pre>
 *
 * <p>Pure: returns the text; nothing here runs a process. The script has {@code up}, {@code
 * down} and {@code status}; every namespace name starts with {@code $KW_LAB_PREFIX} (default
 * {@code kw-}), {@code down} deletes only the namespaces this lab lists (and stops the processes
 * inside them), and {@code up} refuses to run while any namespace with the prefix exists.
 */
public final class NetnsLab {

  private static final Pattern NFACCT = Pattern.compile("--nfacct-name\\s+(\\S+)");
  private static final int IFNAMSIZ = 15;

  /**
   * The pods' HTTP servers, all in one python3 process: argv is HOME_NS then NS NAME PORT
   * triples. It enters each pod's namespace (setns) to listen there, so that the socket belongs
   * to the pod; returns once every socket listens and serves on in HOME_NS (where {@code down}
   * finds it); answers every request with "NAME CLIENT_IP\n".
   */
  private static final String SERVER = String.join("\n",
      "import ctypes,os,select,socket,sys,threading",
      "libc=ctypes.CDLL(None,use_errno=True)",
      "def enter(ns):",
      "  fd=os.open('/var/run/netns/'+ns,os.O_RDONLY)",
      "  if libc.setns(fd,0x40000000)!=0: sys.exit('setns %s: %s'%(ns,os.strerror(ctypes.get_errno())))",
      "  os.close(fd)",
      "socks={}",
      "a=sys.argv[2:]",
      "for i in range(0,len(a),3):",
      "  enter(a[i])",
      "  s=socket.socket();s.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1)",
      "  s.bind(('',int(a[i+2])));s.listen(64);socks[s]=a[i+1]",
      "enter(sys.argv[1])",
      "if os.fork(): os._exit(0)",
      "os.setsid();n=os.open(os.devnull,os.O_RDWR)",
      "for f in (0,1,2): os.dup2(n,f)",
      "def answer(c,a,name):",
      "  try:",
      "    c.settimeout(5);c.recv(4096);b=('%s %s\\n'%(name,a[0])).encode()",
      "    c.sendall(b'HTTP/1.0 200 OK\\r\\nContent-Type: text/plain\\r\\nContent-Length: '",
      "      +str(len(b)).encode()+b'\\r\\n\\r\\n'+b)",
      "  except OSError: pass",
      "  c.close()",
      "while True:",
      "  for s in select.select(list(socks),[],[])[0]:",
      "    c,a=s.accept();threading.Thread(target=answer,args=(c,a,socks[s]),daemon=True).start()");

  private final Simulation sim;
  private final Dataplane dp;
  private final Cluster cluster;
  /** Model namespace → real name without the prefix (node01, node01-web-1). */
  private final Map<NetNamespace, String> names = new LinkedHashMap<>();
  private final StringBuilder out = new StringBuilder();

  private NetnsLab(Simulation sim) {
    this.sim = sim;
    this.dp = sim.dataplane();
    this.cluster = sim.cluster();
  }

  /**
   * The script for {@code sim}. Throws {@link IllegalArgumentException} with a one-line reason
   * for what the lab cannot build on a stock kernel: kube-proxy in IPVS mode, and links other than
   * ether, veth, bridge and vxlan (calico's tunl0).
   */
  public static String script(Simulation sim) {
    return new NetnsLab(sim).render();
  }

  /** The namespace name (without the prefix) the script gives a node's namespace. */
  public static String nodeNamespace(String node) {
    return node;
  }

  /** The namespace name (without the prefix) the script gives a pod's namespace. */
  public static String podNamespace(Pod p) {
    return p.nodeName() + "-" + (p.namespace().equals("default") ? "" : p.namespace() + ".")
        + p.name();
  }

  /** The namespace name (without the prefix) of the outside host, or null without clients. */
  public static String outsideNamespace(Cluster cluster) {
    return cluster.clients().isEmpty() ? null : cluster.clients().get(0).name();
  }

  // ---- rendering ---------------------------------------------------------------------------

  private String render() {
    ProxyConfig.Mode mode = sim.kubeProxy().mode();
    if (mode == ProxyConfig.Mode.ipvs) {
      throw new IllegalArgumentException("the netns lab cannot build kube-proxy's IPVS mode "
          + "(needs the ip_vs and dummy modules); use --proxy-mode iptables or nftables");
    }
    nameNamespaces();
    String outside = outsideNamespace(cluster);
    header(outside);
    functions();
    line("up() {");
    line("  preflight");
    line("  trap 'echo \"lab.sh: up failed (line $LINENO); tearing down\" >&2; down' ERR");
    buildUnderlay();
    buildNodes();
    buildVeths();
    buildRoutes();
    buildRules(mode);
    if (outside != null) {
      buildOutside(outside);
    }
    buildServers();
    line("  trap - ERR");
    footer(outside);
    line("}");
    line("");
    line("case \"${1:-}\" in");
    line("  up) up ;;");
    line("  down) need_root; down; echo \"lab.sh: removed the ${P}* namespaces of this lab\" ;;");
    line("  status) status ;;");
    line("  *) echo \"usage: $0 up|down|status  (prefix: KW_LAB_PREFIX, now '${P}')\" >&2;"
        + " exit 2 ;;");
    line("esac");
    return out.toString();
  }

  private void nameNamespaces() {
    Set<String> taken = new LinkedHashSet<>();
    taken.add("underlay");
    String outside = outsideNamespace(cluster);
    if (outside != null) {
      taken.add(outside);
    }
    for (NetNamespace ns : dp.nodes().values()) {
      claim(taken, ns, nodeNamespace(ns.node()));
    }
    for (Pod p : cluster.pods()) {
      dp.pod(p).ifPresent(ns -> claim(taken, ns, podNamespace(p)));
    }
    for (NetNamespace ns : names.keySet()) {
      for (Link l : ns.links()) {
        if (l.name().length() > IFNAMSIZ) {
          throw new IllegalArgumentException("the netns lab cannot name interface " + l.name()
              + ": longer than " + IFNAMSIZ + " characters");
        }
        switch (l.kind()) {
          case LOOPBACK, ETHER, VETH, BRIDGE, VXLAN -> { }
          default -> throw new IllegalArgumentException("the netns lab cannot build " + l.name()
              + " (" + l.kind().text() + ") in " + names.get(ns)
              + ": only ether, veth, bridge and vxlan links");
        }
      }
    }
  }

  private void claim(Set<String> taken, NetNamespace ns, String name) {
    if (!name.matches("[A-Za-z0-9_.-]+") || !taken.add(name)) {
      throw new IllegalArgumentException("the netns lab cannot name namespace " + name);
    }
    names.put(ns, name);
  }

  private void header(String outside) {
    line("#!/usr/bin/env bash");
    line("# kubewalk lab: " + cluster.name() + (cluster.title() == null ? ""
        : " - " + cluster.title().replace('\n', ' ')));
    line("# Generated by `kubewalk export -s " + cluster.name() + " netns`: builds the scenario in"
        + " real Linux network");
    line("# namespaces (nodes, pods, bridges, veths, VXLAN, routes, kube-proxy's rules), so that"
        + " you can");
    line("# `ip netns exec` into a pod and run curl, ip route, iptables-save, conntrack -L"
        + " (conntrack-tools).");
    line("#");
    line("#   sudo ./lab.sh up       build it (refuses if a ${KW_LAB_PREFIX:-kw-}* namespace"
        + " exists)");
    line("#   sudo ./lab.sh down     tear it down: deletes only this lab's namespaces");
    line("#   sudo ./lab.sh status   list this lab's namespaces");
    line("#   KW_LAB_PREFIX=lab2- sudo -E ./lab.sh up   another prefix (default kw-)");
    line("#");
    line("# Namespaces: " + (outside == null ? "" : "kw-" + outside + " (outside: gateway and"
        + " clients), ") + "kw-underlay (switch br0), kw-NODE, kw-NODE-POD.");
    line("# Every pod with a TCP containerPort gets an HTTP server on it (python3) that answers"
        + " \"POD CLIENT_IP\".");
    line("# Needs root, iproute2 (ip, bridge), iptables-restore" + (sim.kubeProxy().mode()
        == ProxyConfig.Mode.nftables ? ", nft" : "") + ", python3; optional: nfacct,"
        + " br_netfilter loaded.");
    line("# Nothing outside the created namespaces is changed; no packet leaves them.");
    line("set -Eeuo pipefail");
    line("");
    line("P=\"${KW_LAB_PREFIX:-kw-}\"");
    line("[[ \"$P\" =~ ^[A-Za-z0-9_.-]*$ ]] || { echo \"lab.sh: bad KW_LAB_PREFIX '$P'\" >&2;"
        + " exit 2; }");
    List<String> all = new ArrayList<>();
    if (outside != null) {
      all.add(outside);
    }
    all.add("underlay");
    all.addAll(names.values());
    StringBuilder arr = new StringBuilder("NAMESPACES=(");
    for (String n : all) {
      arr.append(" \"${P}").append(n).append('"');
    }
    line(arr.append(" )").toString());
    line("");
  }

  private void functions() {
    line("die() { echo \"lab.sh: $*\" >&2; exit 1; }");
    line("warn() { echo \"lab.sh: warning: $*\" >&2; }");
    line("need_root() { [ \"$(id -u)\" -eq 0 ] || die \"run as root (ip netns needs it)\"; }");
    line("ns_exists() { ip netns list | awk '{print $1}' | grep -qxF -- \"$1\"; }");
    line("existing() { ip netns list | awk '{print $1}' | while read -r n; do"
        + " case \"$n\" in \"$P\"*) echo \"$n\" ;; esac; done; }");
    line("");
    line("preflight() {");
    line("  need_root");
    List<String> tools = new ArrayList<>(List.of("ip", "bridge", "iptables-restore", "python3"));
    if (sim.kubeProxy().mode() == ProxyConfig.Mode.nftables) {
      tools.add("nft");
    }
    line("  for t in " + String.join(" ", tools) + "; do");
    line("    command -v \"$t\" >/dev/null || die \"needs $t\"");
    line("  done");
    line("  local e");
    line("  e=$(existing | wc -l)");
    line("  [ \"$e\" -eq 0 ] || die \"a lab with prefix '${P}' already exists ($e namespaces,"
        + " e.g. $(existing | head -1)); run './lab.sh down' first or set KW_LAB_PREFIX\"");
    line("}");
    line("");
    line("# down: stop the processes in this lab's namespaces, then delete the namespaces.");
    line("down() {");
    line("  local ns pids");
    line("  for ns in \"${NAMESPACES[@]}\"; do");
    line("    if ns_exists \"$ns\"; then");
    line("      pids=$(ip netns pids \"$ns\" 2>/dev/null || true)");
    line("      if [ -n \"$pids\" ]; then kill $pids 2>/dev/null || true; fi");
    line("      ip netns del \"$ns\" || true");
    line("    fi");
    line("  done");
    line("}");
    line("");
    line("status() {");
    line("  local ns");
    line("  for ns in \"${NAMESPACES[@]}\"; do");
    line("    if ns_exists \"$ns\"; then echo \"up   $ns\"; else echo \"down $ns\"; fi");
    line("  done");
    line("}");
    line("");
    line("mkns() { ip netns add \"$1\"; ip -n \"$1\" link set lo up; }");
    line("# sysctl NS KEY VALUE: warns when the key does not exist in a namespace (e.g."
        + " net.bridge.* without br_netfilter)");
    line("sysctl_ns() {");
    line("  ip netns exec \"$1\" sysctl -qw \"$2=$3\" 2>/dev/null || warn \"$1: cannot set $2=$3"
        + "${4:+ ($4)}\"");
    line("}");
    line("# rules NS: iptables-restore in NS; without nfacct the '-m nfacct' matches are removed");
    line("rules() {");
    line("  if command -v nfacct >/dev/null; then");
    line("    ip netns exec \"$1\" iptables-restore");
    line("  else");
    line("    sed -E 's/ -m nfacct --nfacct-name +[^ ]+//' | ip netns exec \"$1\" iptables-restore");
    line("  fi");
    line("}");
    line("counter() { if command -v nfacct >/dev/null; then ip netns exec \"$1\" nfacct add \"$2\";"
        + " fi; }");
    line("# the pods' servers: python3 -c \"$SERVER\" HOME_NS NS NAME PORT...; see up()");
    line("SERVER=$(cat <<'PY'");
    line(SERVER);
    line("PY");
    line(")");
    line("");
  }

  private void buildUnderlay() {
    line("");
    line("  # the underlay: one switch (br0) that every node's eth* is plugged into");
    String outside = outsideNamespace(cluster);
    if (outside != null) {
      line("  mkns \"${P}" + outside + "\"");
    }
    line("  mkns \"${P}underlay\"");
    for (String n : names.values()) {
      line("  mkns \"${P}" + n + "\"");
    }
    line("  ip -n \"${P}underlay\" link add br0 type bridge");
    line("  ip -n \"${P}underlay\" link set br0 up");
  }

  private void buildNodes() {
    int i = 0;
    for (Map.Entry<String, NetNamespace> e : dp.nodes().entrySet()) {
      NetNamespace ns = e.getValue();
      String n = ns(ns);
      line("");
      line("  # node " + e.getKey());
      for (Map.Entry<String, String> s : new TreeMap<>(ns.sysctls()).entrySet()) {
        String why = s.getKey().startsWith("net.bridge.") ? "modprobe br_netfilter" : "";
        line("  sysctl_ns " + n + " " + s.getKey() + " " + s.getValue()
            + (why.isEmpty() ? "" : " \"" + why + "\""));
      }
      line("  sysctl_ns " + n + " net.ipv4.icmp_ratelimit 0"
          + "  # not in the model: REJECTs answer at once, not 1/s");
      for (Link l : ns.links()) {
        if (l.kind() == Link.Kind.ETHER) {
          String outside = underlayPort(e.getKey(), l.name(), i);
          line("  ip -n \"${P}underlay\" link add " + outside + " type veth peer name " + l.name()
              + " netns " + n);
          line("  ip -n \"${P}underlay\" link set " + outside + " master br0 up");
          linkSetup(n, l);
        }
      }
      for (Link l : ns.links()) {
        if (l.kind() == Link.Kind.BRIDGE) {
          line("  ip -n " + n + " link add " + l.name() + " type bridge");
          linkSetup(n, l);
        } else if (l.kind() == Link.Kind.VXLAN) {
          boolean flood = l.master() != null && l.fdb().isEmpty();
          if (flood) {
            line("  # " + l.name() + " is a bridge port without forwarding entries (weave's"
                + " router floods and learns): here the kernel learns, and floods to every peer");
          }
          line("  ip -n " + n + " link add " + l.name() + " type vxlan id " + l.vni() + " local "
              + l.vxlanLocal() + " dev " + l.vxlanDevice().name() + " dstport " + l.vxlanPort()
              + (flood ? "" : " nolearning"));
          int max = l.vxlanDevice().mtu() - 50;
          if (l.mtu() > max) {
            line("  # the model's MTU " + l.mtu() + " is an Open vSwitch port's; a Linux vxlan on "
                + l.vxlanDevice().name() + " allows at most " + max);
          }
          linkSetup(n, l, Math.min(l.mtu(), max));
          if (flood) {
            for (NetNamespace other : dp.nodes().values()) {
              other.link(l.name()).filter(o -> o != l && o.kind() == Link.Kind.VXLAN)
                  .ifPresent(o -> line("  bridge -n " + n + " fdb append 00:00:00:00:00:00 dev "
                      + l.name() + " dst " + o.vxlanLocal() + " self permanent"));
            }
          }
        }
      }
      for (Link l : ns.links()) {
        if (l.kind() != Link.Kind.VETH && l.master() != null) {
          line("  ip -n " + n + " link set " + l.name() + " master " + l.master().name());
        }
      }
      i++;
    }
  }

  private static String underlayPort(String node, String eth, int index) {
    String name = node + "-" + eth;
    return name.length() <= IFNAMSIZ && name.matches("[A-Za-z0-9_.-]+") ? name
        : "n" + index + "-" + eth;
  }

  private void buildVeths() {
    for (NetNamespace ns : dp.nodes().values()) {
      String n = ns(ns);
      for (Link l : ns.links()) {
        if (l.kind() != Link.Kind.VETH) {
          continue;
        }
        String pn = ns(l.peer().namespace());
        line("");
        line("  # pod " + names.get(l.peer().namespace()) + ": " + l.peer().name() + " <-> "
            + l.name() + " on " + ns.node());
        line("  ip -n " + n + " link add " + l.name() + " type veth peer name " + l.peer().name()
            + " netns " + pn);
        linkSetup(n, l);
        linkSetup(pn, l.peer());
        if (!dp.nodes().containsValue(l.peer().namespace())) {
          for (Map.Entry<String, String> s : new TreeMap<>(
              l.peer().namespace().sysctls()).entrySet()) {
            if (!s.getKey().startsWith("net.bridge.")) {
              line("  sysctl_ns " + pn + " " + s.getKey() + " " + s.getValue());
            }
          }
        }
        if (l.master() != null) {
          line("  ip -n " + n + " link set " + l.name() + " master " + l.master().name());
          if (l.hairpin()) {
            line("  ip -n " + n + " link set " + l.name() + " type bridge_slave hairpin on");
          }
        }
      }
    }
  }

  private void buildRoutes() {
    line("");
    line("  # routes, neighbours and VXLAN forwarding entries, as kubewalk's `ip route` shows them");
    for (Map.Entry<NetNamespace, String> e : names.entrySet()) {
      NetNamespace ns = e.getKey();
      String n = ns(ns);
      for (Route r : ns.routes()) {
        if (r.table().equals("main") && !"kernel".equals(r.proto())) {
          StringBuilder cmd = new StringBuilder("  ip -n " + n + " route add "
              + (r.dst().prefix() == 0 ? "default" : r.dst().toString()));
          if (r.via() != null) {
            cmd.append(" via ").append(r.via());
          }
          cmd.append(" dev ").append(r.dev().name());
          if (r.proto() != null) {
            cmd.append(" proto ").append(r.proto());
          }
          if (!r.scope().equals("global")) {
            cmd.append(" scope ").append(r.scope());
          }
          if (r.src() != null) {
            cmd.append(" src ").append(r.src());
          }
          if (r.metric() != 0) {
            cmd.append(" metric ").append(r.metric());
          }
          if (r.onlink()) {
            cmd.append(" onlink");
          }
          line(cmd.toString());
        }
      }
      for (NetNamespace.Neighbour nb : ns.neighbours()) {
        line("  ip -n " + n + " neigh add " + nb.ip() + " lladdr " + nb.mac() + " dev "
            + nb.dev().name() + " nud permanent");
      }
      for (Link l : ns.links()) {
        for (Link.Fdb f : l.fdb()) {
          if (f.dst() != null) {
            line("  bridge -n " + n + " fdb append " + f.mac() + " dev " + l.name() + " dst "
                + f.dst() + " self permanent");
          }
        }
      }
    }
  }

  private void buildRules(ProxyConfig.Mode mode) {
    for (String node : dp.nodes().keySet()) {
      String n = ns(dp.node(node));
      String rules = sim.exec(node, "iptables-save").out();
      line("");
      line("  # " + node + ": the iptables rules kube-proxy and the kubelet wrote ("
          + "`kubewalk exec -s " + cluster.name() + " " + node + " -- iptables-save`)");
      Set<String> counters = new TreeSet<>();
      Matcher m = NFACCT.matcher(rules);
      while (m.find()) {
        counters.add(m.group(1));
      }
      for (String c : counters) {
        line("  counter " + n + " " + c);
      }
      if (!rules.isBlank()) {
        line("  rules " + n + " <<'RULES'");
        out.append(rules.endsWith("\n") ? rules : rules + "\n");
        line("RULES");
      }
      if (mode == ProxyConfig.Mode.nftables && sim.kubeProxy().nft(node) != null) {
        String t = sim.kubeProxy().nft(node).transaction();
        line("  # " + node + ": kube-proxy's nftables table (nftables mode)");
        line("  ip netns exec " + n + " nft -f - <<'NFT'");
        out.append(t.endsWith("\n") ? t : t + "\n");
        line("NFT");
      }
    }
  }

  private void buildOutside(String outside) {
    String o = "\"${P}" + outside + "\"";
    line("");
    line("  # outside the cluster: the nodes' gateway and the clients "
        + cluster.clients().stream().map(c -> c.name() + " (" + c.ip() + ")").toList()
        + ", so that replies route back");
    line("  ip -n \"${P}underlay\" link add " + underlayPort(outside, "eth0", 99)
        + " type veth peer name eth0 netns " + o);
    line("  ip -n \"${P}underlay\" link set " + underlayPort(outside, "eth0", 99)
        + " master br0 up");
    line("  ip -n " + o + " link set eth0 up");
    Set<String> done = new LinkedHashSet<>();
    List<String> onlinkHosts = new ArrayList<>();
    for (Node node : cluster.nodes()) {
      Ip gw = node.gateway();
      if (gw == null) {
        continue;
      }
      IfAddr subnet = node.addresses().stream()
          .filter(a -> a.prefix() < 32 && a.network().contains(gw)).findFirst().orElse(null);
      if (subnet != null) {
        if (done.add(gw.toString())) {
          line("  ip -n " + o + " addr add " + new IfAddr(gw, subnet.prefix()) + " dev eth0");
        }
      } else {
        if (done.add(gw.toString())) {
          line("  ip -n " + o + " addr add " + gw + "/32 dev eth0");
        }
        if (node.internalIp() != null) {
          onlinkHosts.add(node.internalIp().toString());
        }
      }
    }
    for (ExternalClient c : cluster.clients()) {
      if (done.add(c.ip().toString())) {
        line("  ip -n " + o + " addr add " + c.ip() + "/32 dev eth0");
      }
    }
    for (String h : onlinkHosts) {
      line("  ip -n " + o + " route add " + h + " dev eth0 scope link");
    }
    // the cloud load balancer (and whoever routes external IPs) as a route to the first worker
    Node entry = cluster.nodes().stream().filter(x -> !x.isControlPlane() && x.internalIp() != null)
        .findFirst().orElse(cluster.nodes().stream().filter(x -> x.internalIp() != null)
            .findFirst().orElse(null));
    Set<String> vips = new TreeSet<>();
    for (Service svc : cluster.services()) {
      svc.loadBalancerIngress().forEach(ip -> vips.add(ip.toString()));
      svc.externalIps().forEach(ip -> vips.add(ip.toString()));
    }
    if (entry != null && !vips.isEmpty()) {
      line("  # the load balancer / external IPs reach the cluster through " + entry.name()
          + " (kubewalk: --enter node/" + entry.name() + "); `ip route replace IP via NODE_IP`"
          + " picks another node");
      for (String vip : vips) {
        line("  ip -n " + o + " route add " + vip + "/32 via " + entry.internalIp() + " dev eth0"
            + " src " + cluster.clients().get(0).ip());
      }
    }
    // connections from the outside namespace leave from the first client's address
    ExternalClient c0 = cluster.clients().get(0);
    for (Node node : cluster.nodes()) {
      for (IfAddr a : node.addresses()) {
        if (a.prefix() < 32 && node.gateway() != null && a.network().contains(node.gateway())
            && done.add("route " + a.network())) {
          line("  ip -n " + o + " route replace " + a.network() + " dev eth0 proto kernel"
              + " scope link src " + c0.ip() + "  # leave from " + c0.name() + "'s address");
        }
      }
    }
  }

  private void buildServers() {
    line("");
    List<String> triples = new ArrayList<>();
    for (Pod p : cluster.pods()) {
      if (dp.pod(p).isEmpty()) {
        continue;
      }
      for (ContainerPort cp : p.ports()) {
        if (cp.protocol() == null || cp.protocol() == Protocol.TCP) {
          triples.add(ns(dp.pod(p).orElseThrow()) + " " + p.name() + " " + cp.containerPort());
        }
      }
    }
    if (triples.isEmpty()) {
      return;
    }
    line("  # an HTTP server on every declared TCP containerPort, answering \"POD CLIENT_IP\": one");
    line("  # python3 process listens in each pod's namespace (see ss -ltnp there), returns once all");
    line("  # listen, and lives on in ${P}underlay, where `down` stops it");
    line("  python3 -c \"$SERVER\" \"${P}underlay\" \\");
    for (int i = 0; i < triples.size(); i++) {
      line("    " + triples.get(i) + (i < triples.size() - 1 ? " \\" : ""));
    }
  }

  private void footer(String outside) {
    line("");
    line("  echo \"lab.sh: built " + cluster.name() + " in ${#NAMESPACES[@]} namespaces"
        + " (prefix '${P}')\"");
    Pod client = cluster.pods().stream()
        .filter(p -> dp.pod(p).isPresent() && p.ports().isEmpty()
            && !p.namespace().equals("kube-system"))
        .findFirst().orElse(null);
    Node worker = cluster.nodes().stream().filter(x -> !x.isControlPlane()).findFirst()
        .orElse(cluster.nodes().isEmpty() ? null : cluster.nodes().get(0));
    if (worker == null) {
      line("  echo \"tear down: ./lab.sh down\"");
      return;
    }
    String from = client != null ? podNamespace(client) : nodeNamespace(worker.name());
    String node = client != null ? client.nodeName() : worker.name();
    Service svc = cluster.services().stream()
        .filter(s -> !(s.namespace().equals("default") && s.name().equals("kubernetes")))
        .filter(s -> s.clusterIp() != null && !s.headless() && !s.ports().isEmpty()
            && s.ports().get(0).protocol() == Protocol.TCP)
        .findFirst().orElse(null);
    String prompt = "try: ";
    if (svc != null) {
      ServicePort sp = svc.ports().get(0);
      line("  echo \"" + prompt + " ip netns exec ${P}" + from + " curl -s " + svc.clusterIp()
          + (sp.port() == 80 ? "" : ":" + sp.port()) + "\"");
      prompt = "     ";
    } else {
      Pod server = cluster.pods().stream().filter(p -> dp.pod(p).isPresent()
          && p.ports().stream().anyMatch(cp -> cp.protocol() == null
              || cp.protocol() == Protocol.TCP) && !p.namespace().equals("kube-system"))
          .findFirst().orElse(null);
      if (server != null) {
        line("  echo \"" + prompt + " ip netns exec ${P}" + from + " curl -s " + server.podIp()
            + ":" + server.ports().get(0).containerPort() + "\"");
        prompt = "     ";
      }
    }
    if (outside != null && worker.internalIp() != null) {
      String w = worker.internalIp().toString();
      cluster.services().stream().flatMap(s -> s.ports().stream())
          .filter(sp -> sp.nodePort() != null && sp.protocol() == Protocol.TCP).findFirst()
          .ifPresent(sp -> line("  echo \"      ip netns exec ${P}" + outside + " curl -s " + w
              + ":" + sp.nodePort() + "\""));
    }
    line("  echo \"      ip netns exec ${P}" + node
        + (sim.kubeProxy().mode() == ProxyConfig.Mode.nftables
            ? " nft list table ip kube-proxy" : " iptables-save -t nat")
        + ";  ip -n ${P}" + from + " route\"");
    line("  echo \"tear down: ./lab.sh down\"");
  }

  private void linkSetup(String ns, Link l) {
    linkSetup(ns, l, l.mtu());
  }

  private void linkSetup(String ns, Link l, int mtu) {
    line("  ip -n " + ns + " link set " + l.name() + " address " + l.mac() + " mtu " + mtu);
    for (IfAddr a : l.addresses()) {
      StringBuilder cmd = new StringBuilder("  ip -n " + ns + " addr add " + a);
      if (a.prefix() < 31) {
        cmd.append(" brd +");
      }
      boolean kernelRoute = l.namespace().routes().stream().anyMatch(r -> r.dev() == l
          && "kernel".equals(r.proto()) && r.table().equals("main"));
      if (a.prefix() < 32 && !kernelRoute) {
        cmd.append(" noprefixroute");
      }
      line(cmd.append(" dev ").append(l.name()).toString());
    }
    if (l.up()) {
      line("  ip -n " + ns + " link set " + l.name() + " up");
    }
  }

  private String ns(NetNamespace ns) {
    return "\"${P}" + names.get(ns) + "\"";
  }

  private void line(String s) {
    out.append(s).append('\n');
  }
}
