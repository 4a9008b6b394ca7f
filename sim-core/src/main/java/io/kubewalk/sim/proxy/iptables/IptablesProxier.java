package io.kubewalk.sim.proxy.iptables;

import io.kubewalk.sim.api.EndpointSlice;
import io.kubewalk.sim.api.ProxyConfig;
import io.kubewalk.sim.api.Service;
import io.kubewalk.sim.api.ServicePort;
import io.kubewalk.sim.net.Cidr;
import io.kubewalk.sim.net.Ip;
import io.kubewalk.sim.net.netfilter.Chain;
import io.kubewalk.sim.net.netfilter.IptablesRestore;
import io.kubewalk.sim.net.netfilter.NetfilterTables;
import io.kubewalk.sim.net.netfilter.Table;
import io.kubewalk.sim.proxy.ProxyInput;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * kube-proxy's iptables mode (pkg/proxy/iptables/proxier.go, release 1.31): from a node's view
 * of Services and EndpointSlices, the exact iptables-restore input kube-proxy writes ({@link
 * #restoreInput}) and the node's resulting netfilter state ({@link #sync}), including the jump
 * rules from the built-in chains it ensures with {@code iptables -I} and its canary chains.
 *
 * <pre>
 * PREROUTING/OUTPUT -> KUBE-SERVICES -> KUBE-SVC-X (cluster IP) -> KUBE-SEP-Y -> DNAT pod:port
 *                                    -> KUBE-EXT-X (external IP, LB IP) -> KUBE-SVC-X / KUBE-SVL-X
 *                                    -> KUBE-FW-X (LB with source ranges) -> KUBE-EXT-X
 *                                    -> KUBE-NODEPORTS (last) -> KUBE-EXT-X
 * POSTROUTING -> KUBE-POSTROUTING: MASQUERADE what KUBE-MARK-MASQ marked 0x4000
 * </pre>
 *
 * Services are processed in ServicePortName order (kube-proxy uses map order; upstream's tests
 * sort it away). Not modelled: topology hints, IPv6, large-cluster mode (above 1000 endpoints
 * kube-proxy drops the per-endpoint comments), detectLocalMode BridgeInterface and
 * InterfaceNamePrefix (treated as no local detection).
 */
public final class IptablesProxier {

  /**
   * Host facts kube-proxy probes at start.
   *
   * @param nfacct whether the nfacct counters could be created (kernel with nfnetlink_acct): adds
   *     the localhost NodePort and INVALID-drop counters to the rules
   * @param randomFully whether iptables supports {@code --random-fully} (1.6.2+): MASQUERADE gets
   *     it
   * @param conntrackTcpLiberal whether nf_conntrack_tcp_be_liberal is set: no INVALID drop rule
   * @param fakeMarkText print the mark as upstream's test fake does ({@code 0x4000}) instead of
   *     kube-proxy's {@code %#08x} ({@code 0x00004000}); iptables stores the same number
   */
  public record Options(boolean nfacct, boolean randomFully, boolean conntrackTcpLiberal,
      boolean fakeMarkText) {

    /** A current Linux host with iptables 1.8.9, as on kind nodes. */
    public static Options defaults() {
      return new Options(true, true, false, false);
    }

    /** Upstream's NewFakeProxier: nfacct counters present, no --random-fully. */
    public static Options upstreamFake() {
      return new Options(true, false, false, true);
    }
  }

  private static final String KUBE_SERVICES = "KUBE-SERVICES";
  private static final String KUBE_EXTERNAL_SERVICES = "KUBE-EXTERNAL-SERVICES";
  private static final String KUBE_NODEPORTS = "KUBE-NODEPORTS";
  private static final String KUBE_POSTROUTING = "KUBE-POSTROUTING";
  private static final String KUBE_MARK_MASQ = "KUBE-MARK-MASQ";
  private static final String KUBE_FORWARD = "KUBE-FORWARD";
  private static final String KUBE_PROXY_FIREWALL = "KUBE-PROXY-FIREWALL";
  private static final String KUBE_PROXY_CANARY = "KUBE-PROXY-CANARY";
  private static final String KUBE_FIREWALL = "KUBE-FIREWALL";
  private static final String LOCALHOST_NPS_COUNTER = "localhost_nps_accepted_pkts";
  private static final String INVALID_COUNTER = "ct_state_invalid_dropped_pkts";

  /** iptablesJumpChains then iptablesKubeletJumpChains, in kube-proxy's order. */
  private static final String[][] JUMPS = {
    {"filter", KUBE_EXTERNAL_SERVICES, "INPUT", "kubernetes externally-visible service portals",
        "-m conntrack --ctstate NEW"},
    {"filter", KUBE_EXTERNAL_SERVICES, "FORWARD", "kubernetes externally-visible service portals",
        "-m conntrack --ctstate NEW"},
    {"filter", KUBE_NODEPORTS, "INPUT", "kubernetes health check service ports", ""},
    {"filter", KUBE_SERVICES, "FORWARD", "kubernetes service portals", "-m conntrack --ctstate NEW"},
    {"filter", KUBE_SERVICES, "OUTPUT", "kubernetes service portals", "-m conntrack --ctstate NEW"},
    {"filter", KUBE_FORWARD, "FORWARD", "kubernetes forwarding rules", ""},
    {"filter", KUBE_PROXY_FIREWALL, "INPUT", "kubernetes load balancer firewall",
        "-m conntrack --ctstate NEW"},
    {"filter", KUBE_PROXY_FIREWALL, "OUTPUT", "kubernetes load balancer firewall",
        "-m conntrack --ctstate NEW"},
    {"filter", KUBE_PROXY_FIREWALL, "FORWARD", "kubernetes load balancer firewall",
        "-m conntrack --ctstate NEW"},
    {"nat", KUBE_SERVICES, "OUTPUT", "kubernetes service portals", ""},
    {"nat", KUBE_SERVICES, "PREROUTING", "kubernetes service portals", ""},
    {"nat", KUBE_POSTROUTING, "POSTROUTING", "kubernetes postrouting rules", ""},
    {"filter", KUBE_FIREWALL, "INPUT", "", ""},
    {"filter", KUBE_FIREWALL, "OUTPUT", "", ""},
  };

  private final Options options;

  public IptablesProxier(Options options) {
    this.options = options;
  }

  public IptablesProxier() {
    this(Options.defaults());
  }

  /** The node's netfilter state after kube-proxy's first full sync on a clean node. */
  public NetfilterTables sync(ProxyInput in) {
    return sync(NetfilterTables.empty(), in);
  }

  /**
   * kube-proxy's full sync on top of existing state (e.g. kubelet's and the CNI plugin's rules,
   * or an earlier sync): ensure the jump rules (prepended unless present) and canary chains, then
   * iptables-restore --noflush the generated input, deleting stale service chains.
   */
  public NetfilterTables sync(NetfilterTables base, ProxyInput in) {
    NetfilterTables.Builder b = base.toBuilder();
    for (String[] j : JUMPS) {
      Table t = Table.parse(j[0]);
      b.ensureChain(t, j[1]);
      StringBuilder rule = new StringBuilder("-A ").append(j[2]);
      if (!j[4].isEmpty()) {
        rule.append(' ').append(j[4]);
      }
      if (!j[3].isEmpty()) {
        rule.append(" -m comment --comment \"").append(j[3]).append('"');
      }
      rule.append(" -j ").append(j[1]);
      b.ensureRulePrepended(t, IptablesRestore.parseRule(rule.toString()));
    }
    for (Table t : new Table[] {Table.MANGLE, Table.NAT, Table.FILTER}) {
      b.ensureChain(t, KUBE_PROXY_CANARY);
    }
    IptablesRestore.apply(b, restoreInput(in, base.chains(Table.NAT)), true);
    return b.build();
  }

  /** Exactly what kube-proxy passes to iptables-restore on a full sync of a clean node. */
  public String restoreInput(ProxyInput in) {
    return restoreInput(in, List.of());
  }

  private String restoreInput(ProxyInput in, List<Chain> existingNat) {
    return new Sync(in, existingNat).run();
  }

  /** One Service port as kube-proxy's servicePortInfo sees it. */
  private record SvcPort(Service svc, ServicePort port, String name, String protocol) {}

  /** One endpoint of a Service port. */
  private record Ep(String ip, int port, boolean ready, boolean serving, boolean terminating,
      boolean local, String chain) {
    @Override
    public String toString() {
      return ip + ":" + port;
    }
  }

  /** kube-proxy's LineBuffer: tokens joined by one space. */
  private static final class Lines {
    final StringBuilder b = new StringBuilder();

    void write(String... parts) {
      StringBuilder line = new StringBuilder();
      for (String p : parts) {
        if (p == null || p.isEmpty()) {
          continue;
        }
        if (line.length() > 0) {
          line.append(' ');
        }
        line.append(p);
      }
      b.append(line).append('\n');
    }
  }

  private final class Sync {
    final ProxyInput in;
    final ProxyConfig cfg;
    final List<Chain> existingNat;
    final Lines filterChains = new Lines();
    final Lines filterRules = new Lines();
    final Lines natChains = new Lines();
    final Lines natRules = new Lines();
    final String mark;
    final Cidr localCidr;
    final boolean localhostNodePorts;

    Sync(ProxyInput in, List<Chain> existingNat) {
      this.in = in;
      this.cfg = in.config();
      this.existingNat = existingNat;
      int m = cfg.masqueradeMark();
      this.mark = options.fakeMarkText() ? "0x" + Integer.toHexString(m)
          : String.format(Locale.ROOT, "0x%08x", m);
      String mode = cfg.detectLocalMode() == null ? "ClusterCIDR" : cfg.detectLocalMode();
      this.localCidr = mode.equals("ClusterCIDR") ? cfg.clusterCidr()
          : mode.equals("NodeCIDR") ? in.podCidr() : null;
      this.localhostNodePorts = cfg.localhostNodePorts() && containsIpv4Loopback();
    }

    boolean matchAllNodePorts() {
      for (String a : cfg.nodePortAddresses()) {
        if (!a.equals("primary") && Cidr.parse(a).prefix() == 0) {
          return true;
        }
      }
      return cfg.nodePortAddresses().isEmpty();
    }

    List<Cidr> nodePortCidrs() {
      List<Cidr> out = new ArrayList<>();
      for (String a : cfg.nodePortAddresses()) {
        if (a.equals("primary")) {
          if (!in.nodeIps().isEmpty()) {
            out.add(Cidr.host(in.nodeIps().get(0)));
          }
        } else {
          out.add(Cidr.parse(a));
        }
      }
      return out;
    }

    boolean containsIpv4Loopback() {
      return matchAllNodePorts()
          || nodePortCidrs().stream().anyMatch(c -> c.contains(Ip.LOOPBACK));
    }

    /** GetNodeIPs: the node's addresses (lo first) inside the nodePortAddresses CIDRs. */
    List<Ip> nodePortIps() {
      List<Ip> all = new ArrayList<>();
      all.add(Ip.LOOPBACK);
      all.addAll(in.nodeIps());
      Set<Ip> out = new LinkedHashSet<>();
      for (Ip ip : all) {
        if (nodePortCidrs().stream().anyMatch(c -> c.contains(ip))) {
          out.add(ip);
        }
      }
      return List.copyOf(out);
    }

    String ifLocal() {
      return "-s " + localCidr;
    }

    String ifNotLocal() {
      return "! -s " + localCidr;
    }

    String q(String s) {
      return "\"" + s + "\"";
    }

    String run() {
      for (String c : List.of(KUBE_SERVICES, KUBE_EXTERNAL_SERVICES, KUBE_FORWARD, KUBE_NODEPORTS,
          KUBE_PROXY_FIREWALL)) {
        filterChains.write(":" + c, "-", "[0:0]");
      }
      for (String c : List.of(KUBE_SERVICES, KUBE_NODEPORTS, KUBE_POSTROUTING, KUBE_MARK_MASQ)) {
        natChains.write(":" + c, "-", "[0:0]");
      }
      natRules.write("-A", KUBE_POSTROUTING, "-m", "mark", "!", "--mark", mark + "/" + mark, "-j",
          "RETURN");
      natRules.write("-A", KUBE_POSTROUTING, "-j", "MARK", "--xor-mark", mark);
      natRules.write("-A", KUBE_POSTROUTING, "-m", "comment", "--comment",
          q("kubernetes service traffic requiring SNAT"), "-j", "MASQUERADE",
          options.randomFully() ? "--random-fully" : "");
      natRules.write("-A", KUBE_MARK_MASQ, "-j", "MARK", "--or-mark", mark);
      if (localhostNodePorts) {
        filterChains.write(":" + KUBE_FIREWALL, "-", "[0:0]");
        filterRules.write("-A", KUBE_FIREWALL, "-m", "comment", "--comment",
            q("block incoming localnet connections"), "-d", "127.0.0.0/8", "!", "-s",
            "127.0.0.0/8", "-m", "conntrack", "!", "--ctstate", "RELATED,ESTABLISHED,DNAT", "-j",
            "DROP");
      }
      Set<String> active = new TreeSet<>();
      for (SvcPort sp : servicePorts()) {
        service(sp, active);
      }
      for (Chain c : existingNat) {
        if (ChainNames.isServiceChain(c.name()) && !active.contains(c.name())) {
          natChains.write(":" + c.name(), "-", "[0:0]");
          natRules.write("-X", c.name());
        }
      }
      String last = q("kubernetes service nodeports; NOTE: this must be the last rule in this chain");
      if (matchAllNodePorts()) {
        natRules.write("-A", KUBE_SERVICES, "-m", "comment", "--comment", last, "-m", "addrtype",
            "--dst-type", "LOCAL", localhostNodePorts ? "" : "! -d 127.0.0.0/8", "-j",
            KUBE_NODEPORTS);
      } else {
        for (Ip ip : nodePortIps()) {
          if (ip.isLoopback() && !localhostNodePorts) {
            continue;
          }
          natRules.write("-A", KUBE_SERVICES, "-m", "comment", "--comment", last, "-d",
              ip.toString(), "-j", KUBE_NODEPORTS);
        }
      }
      if (!options.conntrackTcpLiberal()) {
        filterRules.write("-A", KUBE_FORWARD, "-m", "conntrack", "--ctstate", "INVALID",
            options.nfacct() ? "-m nfacct --nfacct-name " + INVALID_COUNTER : "", "-j", "DROP");
      }
      filterRules.write("-A", KUBE_FORWARD, "-m", "comment", "--comment",
          q("kubernetes forwarding rules"), "-m", "mark", "--mark", mark + "/" + mark, "-j",
          "ACCEPT");
      filterRules.write("-A", KUBE_FORWARD, "-m", "comment", "--comment",
          q("kubernetes forwarding conntrack rule"), "-m", "conntrack", "--ctstate",
          "RELATED,ESTABLISHED", "-j", "ACCEPT");
      return "*filter\n" + filterChains.b + filterRules.b + "COMMIT\n" + "*nat\n" + natChains.b
          + natRules.b + "COMMIT\n";
    }

    List<SvcPort> servicePorts() {
      List<SvcPort> out = new ArrayList<>();
      for (Service s : in.services()) {
        if (s.type() == Service.Type.ExternalName || s.headless() || s.clusterIp() == null) {
          continue;
        }
        for (ServicePort p : s.ports()) {
          out.add(new SvcPort(s, p, s.portName(p), p.protocol().lower()));
        }
      }
      out.sort(Comparator.comparing(SvcPort::name).thenComparing(SvcPort::protocol));
      return out;
    }

    List<Ep> endpoints(SvcPort sp) {
      Map<String, Ep> eps = new LinkedHashMap<>();
      String portName = sp.port().name() == null ? "" : sp.port().name();
      for (EndpointSlice sl : in.endpointSlices()) {
        if (!sl.namespace().equals(sp.svc().namespace())
            || !sl.serviceName().equals(sp.svc().name())) {
          continue;
        }
        for (EndpointSlice.Port p : sl.ports()) {
          String n = p.name() == null ? "" : p.name();
          if (!n.equals(portName) || p.protocol() != sp.port().protocol()) {
            continue;
          }
          for (EndpointSlice.Endpoint e : sl.endpoints()) {
            String key = e.address() + ":" + p.port();
            eps.putIfAbsent(key, new Ep(e.address().toString(), p.port(), e.ready(), e.serving(),
                e.terminating(), in.nodeName().equals(e.nodeName()),
                ChainNames.endpoint(sp.name(), sp.protocol(), key)));
          }
        }
      }
      List<Ep> out = new ArrayList<>(eps.values());
      out.sort(Comparator.comparing(Ep::toString));
      return out;
    }

    void service(SvcPort sp, Set<String> active) {
      Service svc = sp.svc();
      String name = sp.name();
      String proto = sp.protocol();
      int port = sp.port().port();
      int nodePort = sp.port().nodePort() == null ? 0 : sp.port().nodePort();
      List<Ip> lbVips = svc.loadBalancerIngress();
      List<Ip> externalIps = svc.externalIps();
      List<Cidr> sourceRanges = new ArrayList<>();
      for (String r : svc.loadBalancerSourceRanges()) {
        try {
          sourceRanges.add(Cidr.parse(r.strip()));
        } catch (IllegalArgumentException e) {
          // kube-proxy skips unparsable ranges
        }
      }
      boolean externallyAccessibleType = svc.type() == Service.Type.LoadBalancer
          || svc.type() == Service.Type.NodePort
          || (svc.type() == Service.Type.ClusterIP && !externalIps.isEmpty());
      boolean externalPolicyLocal = externallyAccessibleType
          && svc.externalTrafficPolicy() == Service.TrafficPolicy.Local;
      boolean internalPolicyLocal = svc.internalTrafficPolicy() == Service.TrafficPolicy.Local;
      boolean externallyAccessible = nodePort != 0 || !lbVips.isEmpty() || !externalIps.isEmpty();
      boolean usesClusterEndpoints = !internalPolicyLocal || externallyAccessible;
      boolean usesLocalEndpoints = internalPolicyLocal
          || (externalPolicyLocal && externallyAccessible);
      int healthCheckNodePort = svc.type() == Service.Type.LoadBalancer && externalPolicyLocal
          && svc.healthCheckNodePort() != null ? svc.healthCheckNodePort() : 0;
      int sticky = svc.sessionAffinityTimeoutSeconds() > 0 ? svc.sessionAffinityTimeoutSeconds()
          : 10800;

      // proxy.CategorizeEndpoints
      List<Ep> all = endpoints(sp);
      List<Ep> clusterEps = new ArrayList<>();
      List<Ep> localEps = new ArrayList<>();
      boolean hasEndpoints = false;
      if (usesClusterEndpoints) {
        all.stream().filter(Ep::ready).forEach(clusterEps::add);
        if (clusterEps.isEmpty()) {
          all.stream().filter(e -> e.serving() && e.terminating()).forEach(clusterEps::add);
        }
        hasEndpoints = !clusterEps.isEmpty();
      }
      List<Ep> reachable = clusterEps;
      if (usesLocalEndpoints) {
        boolean localReady = false;
        boolean localServingTerminating = false;
        for (Ep e : all) {
          if (e.ready()) {
            hasEndpoints = true;
            localReady |= e.local();
          } else if (e.serving() && e.terminating()) {
            hasEndpoints = true;
            localServingTerminating |= e.local();
          }
        }
        if (localReady) {
          all.stream().filter(e -> e.local() && e.ready()).forEach(localEps::add);
        } else if (localServingTerminating) {
          all.stream().filter(e -> e.local() && e.serving() && e.terminating())
              .forEach(localEps::add);
        }
        if (!usesClusterEndpoints || clusterEps.isEmpty()) {
          reachable = localEps;
        } else {
          Map<String, Ep> merged = new LinkedHashMap<>();
          clusterEps.forEach(e -> merged.put(e.toString(), e));
          localEps.forEach(e -> merged.putIfAbsent(e.toString(), e));
          reachable = new ArrayList<>(merged.values());
        }
      }

      String clusterChain = ChainNames.cluster(name, proto);
      String localChain = ChainNames.local(name, proto);
      String extChain = ChainNames.external(name, proto);
      String fwChain = ChainNames.firewall(name, proto);
      boolean usesClusterPolicyChain = !clusterEps.isEmpty() && usesClusterEndpoints;
      boolean usesLocalPolicyChain = !localEps.isEmpty() && usesLocalEndpoints;
      String internalChain = clusterChain;
      boolean hasInternalEndpoints = hasEndpoints;
      if (internalPolicyLocal) {
        internalChain = localChain;
        hasInternalEndpoints = !localEps.isEmpty();
      }
      String externalPolicyChain = clusterChain;
      boolean hasExternalEndpoints = hasEndpoints;
      if (externalPolicyLocal) {
        externalPolicyChain = localChain;
        hasExternalEndpoints = !localEps.isEmpty();
      }
      boolean usesExternalChain = hasEndpoints && externallyAccessible;
      String lbChain = extChain;
      boolean usesFwChain = hasEndpoints && !lbVips.isEmpty() && !sourceRanges.isEmpty();
      if (usesFwChain) {
        lbChain = fwChain;
      }
      String internalFilterTarget = null;
      String internalFilterComment = null;
      String externalFilterTarget = null;
      String externalFilterComment = null;
      if (!hasEndpoints) {
        internalFilterTarget = "REJECT";
        internalFilterComment = q(name + " has no endpoints");
        externalFilterTarget = "REJECT";
        externalFilterComment = internalFilterComment;
      } else {
        if (!hasInternalEndpoints) {
          internalFilterTarget = "DROP";
          internalFilterComment = q(name + " has no local endpoints");
        }
        if (!hasExternalEndpoints) {
          externalFilterTarget = "DROP";
          externalFilterComment = q(name + " has no local endpoints");
        }
      }
      String clusterIp = svc.clusterIp().toString();
      String dport = Integer.toString(port);

      // Capture the clusterIP.
      if (hasInternalEndpoints) {
        natRules.write("-A", KUBE_SERVICES, "-m", "comment", "--comment", q(name + " cluster IP"),
            "-m", proto, "-p", proto, "-d", clusterIp, "--dport", dport, "-j", internalChain);
      } else {
        filterRules.write("-A", KUBE_SERVICES, "-m", "comment", "--comment",
            internalFilterComment, "-m", proto, "-p", proto, "-d", clusterIp, "--dport", dport,
            "-j", internalFilterTarget);
      }
      // Capture externalIPs.
      for (Ip ext : externalIps) {
        if (hasEndpoints) {
          natRules.write("-A", KUBE_SERVICES, "-m", "comment", "--comment",
              q(name + " external IP"), "-m", proto, "-p", proto, "-d", ext.toString(), "--dport",
              dport, "-j", extChain);
        }
        if (!hasExternalEndpoints) {
          filterRules.write("-A", KUBE_EXTERNAL_SERVICES, "-m", "comment", "--comment",
              externalFilterComment, "-m", proto, "-p", proto, "-d", ext.toString(), "--dport",
              dport, "-j", externalFilterTarget);
        }
      }
      // Capture load-balancer ingress.
      for (Ip lb : lbVips) {
        if (hasEndpoints) {
          natRules.write("-A", KUBE_SERVICES, "-m", "comment", "--comment",
              q(name + " loadbalancer IP"), "-m", proto, "-p", proto, "-d", lb.toString(),
              "--dport", dport, "-j", lbChain);
        }
        if (usesFwChain) {
          filterRules.write("-A", KUBE_PROXY_FIREWALL, "-m", "comment", "--comment",
              q(name + " traffic not accepted by " + fwChain), "-m", proto, "-p", proto, "-d",
              lb.toString(), "--dport", dport, "-j", "DROP");
        }
      }
      if (!hasExternalEndpoints) {
        for (Ip lb : lbVips) {
          filterRules.write("-A", KUBE_EXTERNAL_SERVICES, "-m", "comment", "--comment",
              externalFilterComment, "-m", proto, "-p", proto, "-d", lb.toString(), "--dport",
              dport, "-j", externalFilterTarget);
        }
      }
      // Capture nodeports.
      if (nodePort != 0) {
        String np = Integer.toString(nodePort);
        if (hasEndpoints) {
          if (localhostNodePorts && options.nfacct()) {
            natRules.write("-A", KUBE_NODEPORTS, "-m", "comment", "--comment", name, "-m", proto,
                "-p", proto, "-d", "127.0.0.0/8", "--dport", np, "-m", "nfacct", "--nfacct-name",
                LOCALHOST_NPS_COUNTER, "-j", extChain);
          }
          natRules.write("-A", KUBE_NODEPORTS, "-m", "comment", "--comment", name, "-m", proto,
              "-p", proto, "--dport", np, "-j", extChain);
        }
        if (!hasExternalEndpoints) {
          filterRules.write("-A", KUBE_EXTERNAL_SERVICES, "-m", "comment", "--comment",
              externalFilterComment, "-m", "addrtype", "--dst-type", "LOCAL", "-m", proto, "-p",
              proto, "--dport", np, "-j", externalFilterTarget);
        }
      }
      // Capture healthCheckNodePorts.
      if (healthCheckNodePort != 0) {
        filterRules.write("-A", KUBE_NODEPORTS, "-m", "comment", "--comment",
            q(name + " health check node port"), "-m", "tcp", "-p", "tcp", "--dport",
            Integer.toString(healthCheckNodePort), "-j", "ACCEPT");
      }
      // Internal traffic handling.
      if (hasInternalEndpoints) {
        String args = String.join(" ", "-m", "comment", "--comment", q(name + " cluster IP"), "-m",
            proto, "-p", proto, "-d", clusterIp, "--dport", dport);
        if (cfg.masqueradeAll()) {
          natRules.write("-A", internalChain, args, "-j", KUBE_MARK_MASQ);
        } else if (localCidr != null) {
          natRules.write("-A", internalChain, args, ifNotLocal(), "-j", KUBE_MARK_MASQ);
        }
      }
      // External traffic handling.
      if (usesExternalChain) {
        natChains.write(":" + extChain, "-", "[0:0]");
        active.add(extChain);
        if (!externalPolicyLocal) {
          natRules.write("-A", extChain, "-m", "comment", "--comment",
              q("masquerade traffic for " + name + " external destinations"), "-j",
              KUBE_MARK_MASQ);
        } else {
          if (localCidr != null) {
            natRules.write("-A", extChain, "-m", "comment", "--comment",
                q("pod traffic for " + name + " external destinations"), ifLocal(), "-j",
                clusterChain);
          }
          natRules.write("-A", extChain, "-m", "comment", "--comment",
              q("masquerade LOCAL traffic for " + name + " external destinations"), "-m",
              "addrtype", "--src-type", "LOCAL", "-j", KUBE_MARK_MASQ);
          natRules.write("-A", extChain, "-m", "comment", "--comment",
              q("route LOCAL traffic for " + name + " external destinations"), "-m", "addrtype",
              "--src-type", "LOCAL", "-j", clusterChain);
        }
        if (hasExternalEndpoints) {
          natRules.write("-A", extChain, "-j", externalPolicyChain);
        }
      }
      // Firewall chain.
      if (usesFwChain) {
        natChains.write(":" + fwChain, "-", "[0:0]");
        active.add(fwChain);
        String args = String.join(" ", "-A", fwChain, "-m", "comment", "--comment",
            q(name + " loadbalancer IP"));
        boolean allowFromNode = false;
        Ip nodeIp = in.nodeIps().isEmpty() ? null : in.nodeIps().get(0);
        for (Cidr c : sourceRanges) {
          natRules.write(args, "-s", c.toString(), "-j", extChain);
          if (nodeIp != null && c.contains(nodeIp)) {
            allowFromNode = true;
          }
        }
        if (allowFromNode) {
          for (Ip lb : lbVips) {
            natRules.write(args, "-s", lb.toString(), "-j", extChain);
          }
        }
        natRules.write("-A", fwChain, "-m", "comment", "--comment",
            q("other traffic to " + name + " will be dropped by KUBE-PROXY-FIREWALL"));
      }
      if (usesClusterPolicyChain) {
        natChains.write(":" + clusterChain, "-", "[0:0]");
        active.add(clusterChain);
        endpointRules(sp, clusterChain, clusterEps, sticky);
      }
      if (usesLocalPolicyChain) {
        natChains.write(":" + localChain, "-", "[0:0]");
        active.add(localChain);
        endpointRules(sp, localChain, localEps, sticky);
      }
      for (Ep e : reachable) {
        natChains.write(":" + e.chain(), "-", "[0:0]");
        active.add(e.chain());
        natRules.write("-A", e.chain(), "-m", "comment", "--comment", name, "-s", e.ip(), "-j",
            KUBE_MARK_MASQ);
        natRules.write("-A", e.chain(), "-m", "comment", "--comment", name,
            svc.sessionAffinityClientIp() ? "-m recent --name " + e.chain() + " --set" : "",
            "-m", proto, "-p", proto, "-j", "DNAT", "--to-destination", e.toString());
      }
    }

    void endpointRules(SvcPort sp, String chain, List<Ep> eps, int sticky) {
      if (sp.svc().sessionAffinityClientIp()) {
        for (Ep e : eps) {
          natRules.write("-A", chain, "-m", "comment", "--comment", q(sp.name() + " -> " + e),
              "-m", "recent", "--name", e.chain(), "--rcheck", "--seconds",
              Integer.toString(sticky), "--reap", "-j", e.chain());
        }
      }
      int n = eps.size();
      for (int i = 0; i < n; i++) {
        Ep e = eps.get(i);
        natRules.write("-A", chain, "-m", "comment", "--comment", q(sp.name() + " -> " + e),
            i < n - 1 ? "-m statistic --mode random --probability " + probability(n - i) : "",
            "-j", e.chain());
      }
    }
  }

  /** kube-proxy's computeProbability: {@code fmt.Sprintf("%0.10f", 1.0/float64(n))}. */
  static String probability(int n) {
    return String.format(Locale.ROOT, "%.10f", 1.0 / n);
  }
}
