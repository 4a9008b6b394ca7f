package io.kubewalk.sim.proxy.ipvs;

import io.kubewalk.sim.api.ProxyConfig;
import io.kubewalk.sim.net.Cidr;
import io.kubewalk.sim.net.Ip;
import io.kubewalk.sim.net.Protocol;
import io.kubewalk.sim.net.ipvs.IpSet;
import io.kubewalk.sim.net.ipvs.IpvsTable;
import io.kubewalk.sim.net.ipvs.RealServer;
import io.kubewalk.sim.net.ipvs.VirtualServer;
import io.kubewalk.sim.proxy.ProxyInput;
import io.kubewalk.sim.proxy.nftables.ServicePorts;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * kube-proxy's IPVS mode ({@code pkg/proxy/ipvs/proxier.go} syncProxyRules and
 * writeIptablesRules): one full sync for a node, IPv4 only, no graceful termination.
 */
public final class IpvsProxier {

  public static final String DUMMY_DEVICE = "kube-ipvs0";

  /** kube-proxy's ipsetInfo: name, type and comment, in upstream order. */
  public record SetInfo(String name, IpSet.Type type, String comment) {}

  public static final List<SetInfo> IPSETS =
      List.of(
          new SetInfo("KUBE-LOOP-BACK", IpSet.Type.HASH_IP_PORT_IP,
              "Kubernetes endpoints dst ip:port, source ip for solving hairpin purpose"),
          new SetInfo("KUBE-CLUSTER-IP", IpSet.Type.HASH_IP_PORT,
              "Kubernetes service cluster ip + port for masquerade purpose"),
          new SetInfo("KUBE-EXTERNAL-IP", IpSet.Type.HASH_IP_PORT,
              "Kubernetes service external ip + port for masquerade and filter purpose"),
          new SetInfo("KUBE-EXTERNAL-IP-LOCAL", IpSet.Type.HASH_IP_PORT,
              "Kubernetes service external ip + port with externalTrafficPolicy=local"),
          new SetInfo("KUBE-LOAD-BALANCER", IpSet.Type.HASH_IP_PORT,
              "Kubernetes service lb portal"),
          new SetInfo("KUBE-LOAD-BALANCER-FW", IpSet.Type.HASH_IP_PORT,
              "Kubernetes service load balancer ip + port for load balancer with sourceRange"),
          new SetInfo("KUBE-LOAD-BALANCER-LOCAL", IpSet.Type.HASH_IP_PORT,
              "Kubernetes service load balancer ip + port with externalTrafficPolicy=local"),
          new SetInfo("KUBE-LOAD-BALANCER-SOURCE-IP", IpSet.Type.HASH_IP_PORT_IP,
              "Kubernetes service load balancer ip + port + source IP for packet filter purpose"),
          new SetInfo("KUBE-LOAD-BALANCER-SOURCE-CIDR", IpSet.Type.HASH_IP_PORT_NET,
              "Kubernetes service load balancer ip + port + source cidr for packet filter purpose"),
          new SetInfo("KUBE-NODE-PORT-TCP", IpSet.Type.BITMAP_PORT,
              "Kubernetes nodeport TCP port for masquerade purpose"),
          new SetInfo("KUBE-NODE-PORT-LOCAL-TCP", IpSet.Type.BITMAP_PORT,
              "Kubernetes nodeport TCP port with externalTrafficPolicy=local"),
          new SetInfo("KUBE-NODE-PORT-UDP", IpSet.Type.BITMAP_PORT,
              "Kubernetes nodeport UDP port for masquerade purpose"),
          new SetInfo("KUBE-NODE-PORT-LOCAL-UDP", IpSet.Type.BITMAP_PORT,
              "Kubernetes nodeport UDP port with externalTrafficPolicy=local"),
          new SetInfo("KUBE-NODE-PORT-SCTP-HASH", IpSet.Type.HASH_IP_PORT,
              "Kubernetes nodeport SCTP port for masquerade purpose with type 'hash ip:port'"),
          new SetInfo("KUBE-NODE-PORT-LOCAL-SCTP-HASH", IpSet.Type.HASH_IP_PORT,
              "Kubernetes nodeport SCTP port with externalTrafficPolicy=local with type "
                  + "'hash ip:port'"),
          new SetInfo("KUBE-HEALTH-CHECK-NODE-PORT", IpSet.Type.BITMAP_PORT,
              "Kubernetes health check node port"),
          new SetInfo("KUBE-IPVS-IPS", IpSet.Type.HASH_IP,
              "Addresses on the ipvs interface"));

  /** ipsetWithIptablesChain: set, table, from, to, match type, protocol. */
  private record SetRule(String set, boolean filter, String from, String to, String match,
      String proto) {}

  private static final List<SetRule> SET_RULES =
      List.of(
          new SetRule("KUBE-LOOP-BACK", false, "KUBE-POSTROUTING", "MASQUERADE", "dst,dst,src",
              null),
          new SetRule("KUBE-LOAD-BALANCER", false, "KUBE-SERVICES", "KUBE-LOAD-BALANCER",
              "dst,dst", null),
          new SetRule("KUBE-LOAD-BALANCER-LOCAL", false, "KUBE-LOAD-BALANCER", "RETURN", "dst,dst",
              null),
          new SetRule("KUBE-NODE-PORT-LOCAL-TCP", false, "KUBE-NODE-PORT", "RETURN", "dst", "tcp"),
          new SetRule("KUBE-NODE-PORT-TCP", false, "KUBE-NODE-PORT", "KUBE-MARK-MASQ", "dst",
              "tcp"),
          new SetRule("KUBE-NODE-PORT-LOCAL-UDP", false, "KUBE-NODE-PORT", "RETURN", "dst", "udp"),
          new SetRule("KUBE-NODE-PORT-UDP", false, "KUBE-NODE-PORT", "KUBE-MARK-MASQ", "dst",
              "udp"),
          new SetRule("KUBE-NODE-PORT-LOCAL-SCTP-HASH", false, "KUBE-NODE-PORT", "RETURN",
              "dst,dst", "sctp"),
          new SetRule("KUBE-NODE-PORT-SCTP-HASH", false, "KUBE-NODE-PORT", "KUBE-MARK-MASQ",
              "dst,dst", "sctp"),
          new SetRule("KUBE-LOAD-BALANCER-FW", true, "KUBE-PROXY-FIREWALL",
              "KUBE-SOURCE-RANGES-FIREWALL", "dst,dst", null),
          new SetRule("KUBE-LOAD-BALANCER-SOURCE-CIDR", true, "KUBE-SOURCE-RANGES-FIREWALL",
              "RETURN", "dst,dst,src", null),
          new SetRule("KUBE-LOAD-BALANCER-SOURCE-IP", true, "KUBE-SOURCE-RANGES-FIREWALL",
              "RETURN", "dst,dst,src", null));

  /** Builds the node's IPVS state for {@code in}. */
  public IpvsState sync(ProxyInput in) {
    ProxyConfig cfg = in.config();
    String scheduler = cfg.ipvsScheduler() == null || cfg.ipvsScheduler().isEmpty()
        ? "rr" : cfg.ipvsScheduler();
    Map<String, Set<String>> entries = new LinkedHashMap<>();
    for (SetInfo s : IPSETS) {
      entries.put(s.name(), new TreeSet<>());
    }
    IpvsTable table = new IpvsTable();
    Set<Ip> bind = new LinkedHashSet<>();
    Set<Ip> nodeAddresses = new TreeSet<>();
    for (Ip ip : in.nodeIps()) {
      if (!ip.isLoopback()) {
        nodeAddresses.add(ip);
      }
    }
    List<ServicePorts.Info> svcs = ServicePorts.of(in);
    List<Ip> nodeIps = new ArrayList<>();
    if (svcs.stream().anyMatch(s -> s.nodePort() != 0)) {
      if (cfg.nodePortAddresses().isEmpty()) {
        nodeIps.addAll(nodeAddresses);
      } else {
        for (String s : cfg.nodePortAddresses()) {
          for (Ip ip : in.nodeIps()) {
            boolean match = s.equals("primary")
                ? ip.equals(in.nodeIps().get(0)) : Cidr.parse(s).contains(ip);
            if (match && !ip.isLoopback() && !nodeIps.contains(ip)) {
              nodeIps.add(ip);
            }
          }
        }
      }
    }
    List<String> lbNoNodeAccess = new ArrayList<>();
    Ip nodeIp = in.nodeIps().isEmpty() ? null : in.nodeIps().get(0);

    for (ServicePorts.Info svc : svcs) {
      String proto = svc.protocol().lower();
      int port = svc.port().port();
      for (ServicePorts.Endpoint ep : svc.endpoints()) {
        if (ep.local() && (ep.ready() || ep.serving())) {
          entries.get("KUBE-LOOP-BACK").add(ep.ip() + "," + proto + ":" + ep.port() + ","
              + ep.ip());
        }
      }
      entries.get("KUBE-CLUSTER-IP").add(svc.clusterIp() + "," + proto + ":" + port);
      addService(table, svc, svc.clusterIp(), port, scheduler, svc.internalPolicyLocal());
      bind.add(svc.clusterIp());
      for (Ip eip : svc.externalIps()) {
        entries.get(svc.externalPolicyLocal() ? "KUBE-EXTERNAL-IP-LOCAL" : "KUBE-EXTERNAL-IP")
            .add(eip + "," + proto + ":" + port);
        addService(table, svc, eip, port, scheduler, svc.externalPolicyLocal());
        if (!nodeAddresses.contains(eip)) {
          bind.add(eip);
        }
      }
      for (Ip lb : svc.loadBalancerVips()) {
        String entry = lb + "," + proto + ":" + port;
        entries.get("KUBE-LOAD-BALANCER").add(entry);
        if (svc.externalPolicyLocal()) {
          entries.get("KUBE-LOAD-BALANCER-LOCAL").add(entry);
        }
        List<String> ranges = svc.service().loadBalancerSourceRanges();
        if (!ranges.isEmpty()) {
          entries.get("KUBE-LOAD-BALANCER-FW").add(entry);
          boolean allowFromNode = false;
          for (String r : ranges) {
            Cidr c = Cidr.parse(r.trim());
            entries.get("KUBE-LOAD-BALANCER-SOURCE-CIDR").add(entry + "," + c);
            if (nodeIp != null && c.contains(nodeIp)) {
              allowFromNode = true;
            }
          }
          if (allowFromNode) {
            entries.get("KUBE-LOAD-BALANCER-SOURCE-IP").add(entry + "," + lb);
          } else {
            lbNoNodeAccess.add(String.format(Locale.ROOT,
                "-A KUBE-IPVS-OUT-FILTER -s %s -m ipvs --vaddr %s --vproto %s --vport %d -j DROP",
                lb, lb, proto, port));
          }
        }
        addService(table, svc, lb, port, scheduler, svc.externalPolicyLocal());
        if (!nodeAddresses.contains(lb)) {
          bind.add(lb);
        }
      }
      if (svc.nodePort() != 0 && !nodeIps.isEmpty()) {
        int np = svc.nodePort();
        List<String> npEntries = new ArrayList<>();
        String set;
        String localSet;
        if (svc.protocol() == Protocol.SCTP) {
          set = "KUBE-NODE-PORT-SCTP-HASH";
          localSet = "KUBE-NODE-PORT-LOCAL-SCTP-HASH";
          for (Ip ip : nodeIps) {
            npEntries.add(ip + "," + proto + ":" + np);
          }
        } else {
          String p = proto.toUpperCase(Locale.ROOT);
          set = "KUBE-NODE-PORT-" + p;
          localSet = "KUBE-NODE-PORT-LOCAL-" + p;
          npEntries.add(Integer.toString(np));
        }
        entries.get(set).addAll(npEntries);
        if (svc.externalPolicyLocal()) {
          entries.get(localSet).addAll(npEntries);
        }
        for (Ip ip : nodeIps) {
          addService(table, svc, ip, np, scheduler, svc.externalPolicyLocal());
        }
      }
      if (svc.healthCheckNodePort() != 0) {
        entries.get("KUBE-HEALTH-CHECK-NODE-PORT").add(Integer.toString(svc.healthCheckNodePort()));
      }
    }
    for (Ip ip : bind) {
      entries.get("KUBE-IPVS-IPS").add(ip.toString());
    }
    List<IpSet> sets = new ArrayList<>();
    for (SetInfo s : IPSETS) {
      sets.add(IpSet.sorted(s.name(), s.type(), s.comment(), new ArrayList<>(entries.get(s.name()))));
    }
    Map<String, IpSet> byName = new LinkedHashMap<>();
    sets.forEach(s -> byName.put(s.name(), s));
    List<String> nat = new ArrayList<>();
    List<String> filter = new ArrayList<>();
    writeIptables(in, byName, lbNoNodeAccess, nat, filter);
    List<Ip> dummy = new ArrayList<>(bind);
    return new IpvsState(dummy, table, sets, nat, filter);
  }

  private static void addService(IpvsTable table, ServicePorts.Info svc, Ip address, int port,
      String scheduler, boolean onlyNodeLocal) {
    ServicePorts.Categorized cat = ServicePorts.categorize(svc);
    List<ServicePorts.Endpoint> eps;
    if (onlyNodeLocal) {
      // pkg/proxy/ipvs syncEndpoint: with no local endpoint it falls back to the cluster ones
      // (kubernetes#97081) so that local pods can still reach the service.
      eps = !cat.local().isEmpty() ? cat.local() : cat.cluster();
    } else {
      eps = cat.cluster();
    }
    List<RealServer> rs = new ArrayList<>();
    for (ServicePorts.Endpoint ep : eps) {
      rs.add(RealServer.of(ep.ip(), ep.port()));
    }
    table.put(new VirtualServer(address, port, svc.protocol(), scheduler, svc.sessionAffinity(),
        svc.sessionAffinity() ? svc.stickyMaxAgeSeconds() : 0, scheduler.equals("mh"), rs));
  }

  private static String comment(Map<String, IpSet> sets, String name) {
    return "\"" + sets.get(name).comment() + "\"";
  }

  private static void writeIptables(ProxyInput in, Map<String, IpSet> sets,
      List<String> lbNoNodeAccess, List<String> nat, List<String> filter) {
    String mark = String.format(Locale.ROOT, "0x%06x", in.config().masqueradeMark());
    nat.add("*nat");
    for (String c : List.of("KUBE-SERVICES", "KUBE-POSTROUTING", "KUBE-NODE-PORT",
        "KUBE-LOAD-BALANCER", "KUBE-MARK-MASQ")) {
      nat.add(":" + c + " - [0:0]");
    }
    filter.add("*filter");
    for (String c : List.of("KUBE-FORWARD", "KUBE-NODE-PORT", "KUBE-PROXY-FIREWALL",
        "KUBE-SOURCE-RANGES-FIREWALL", "KUBE-IPVS-FILTER", "KUBE-IPVS-OUT-FILTER")) {
      filter.add(":" + c + " - [0:0]");
    }
    // createAndLinkKubeChain: EnsureRule(Prepend) into the built-in chains.
    nat.add("-A OUTPUT -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES");
    nat.add("-A PREROUTING -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES");
    nat.add("-A POSTROUTING -m comment --comment \"kubernetes postrouting rules\" "
        + "-j KUBE-POSTROUTING");
    filter.add("-A FORWARD -m comment --comment \"kube-proxy firewall rules\" "
        + "-j KUBE-PROXY-FIREWALL");
    filter.add("-A FORWARD -m comment --comment \"kubernetes forwarding rules\" -j KUBE-FORWARD");
    filter.add("-A INPUT -m comment --comment \"kubernetes ipvs access filter\" "
        + "-j KUBE-IPVS-FILTER");
    filter.add("-A INPUT -m comment --comment \"kube-proxy firewall rules\" "
        + "-j KUBE-PROXY-FIREWALL");
    filter.add("-A INPUT -m comment --comment \"kubernetes health check rules\" "
        + "-j KUBE-NODE-PORT");
    filter.add("-A OUTPUT -m comment --comment \"kubernetes ipvs access filter\" "
        + "-j KUBE-IPVS-OUT-FILTER");

    nat.add("-A KUBE-SERVICES -s 127.0.0.0/8 -j RETURN");
    for (SetRule r : SET_RULES) {
      if (sets.get(r.set()).isEmpty()) {
        continue;
      }
      String line = "-A " + r.from() + (r.proto() == null ? "" : " -p " + r.proto())
          + " -m comment --comment " + comment(sets, r.set()) + " -m set --match-set " + r.set()
          + " " + r.match() + " -j " + r.to();
      (r.filter() ? filter : nat).add(line);
    }
    if (!sets.get("KUBE-CLUSTER-IP").isEmpty()) {
      String args = "-A KUBE-SERVICES -m comment --comment " + comment(sets, "KUBE-CLUSTER-IP")
          + " -m set --match-set KUBE-CLUSTER-IP";
      Cidr local = io.kubewalk.sim.proxy.nftables.NftablesProxierAccess.localCidr(in);
      if (in.config().masqueradeAll()) {
        nat.add(args + " dst,dst -j KUBE-MARK-MASQ");
      } else if (local != null) {
        nat.add(args + " dst,dst ! -s " + local + " -j KUBE-MARK-MASQ");
      } else {
        nat.add(args + " src,dst -j KUBE-MARK-MASQ");
      }
    }
    for (String set : List.of("KUBE-EXTERNAL-IP", "KUBE-EXTERNAL-IP-LOCAL")) {
      if (sets.get(set).isEmpty()) {
        continue;
      }
      String args = "-A KUBE-SERVICES -m comment --comment " + comment(sets, set)
          + " -m set --match-set " + set + " dst,dst";
      if (set.equals("KUBE-EXTERNAL-IP")) {
        nat.add(args + " -j KUBE-MARK-MASQ");
      }
      nat.add(args + " -m physdev ! --physdev-is-in -m addrtype ! --src-type LOCAL -j ACCEPT");
      nat.add(args + " -m addrtype --dst-type LOCAL -j ACCEPT");
    }
    nat.add("-A KUBE-SERVICES -m addrtype --dst-type LOCAL -j KUBE-NODE-PORT");
    nat.add("-A KUBE-LOAD-BALANCER -j KUBE-MARK-MASQ");
    filter.add("-A KUBE-SOURCE-RANGES-FIREWALL -j DROP");
    filter.addAll(lbNoNodeAccess);
    for (String set : List.of("KUBE-CLUSTER-IP", "KUBE-LOAD-BALANCER")) {
      if (!sets.get(set).isEmpty()) {
        nat.add("-A KUBE-SERVICES -m set --match-set " + set + " dst,dst -j ACCEPT");
      }
    }
    filter.add("-A KUBE-FORWARD -m comment --comment \"kubernetes forwarding rules\" -m mark "
        + "--mark " + mark + "/" + mark + " -j ACCEPT");
    filter.add("-A KUBE-FORWARD -m comment --comment \"kubernetes forwarding conntrack rule\" "
        + "-m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT");
    filter.add("-A KUBE-NODE-PORT -m comment --comment "
        + comment(sets, "KUBE-HEALTH-CHECK-NODE-PORT")
        + " -m set --match-set KUBE-HEALTH-CHECK-NODE-PORT dst -j ACCEPT");
    for (String set : List.of("KUBE-LOAD-BALANCER", "KUBE-CLUSTER-IP", "KUBE-EXTERNAL-IP",
        "KUBE-EXTERNAL-IP-LOCAL")) {
      filter.add("-A KUBE-IPVS-FILTER -m set --match-set " + set + " dst,dst -j RETURN");
    }
    filter.add("-A KUBE-IPVS-FILTER -m set --match-set KUBE-HEALTH-CHECK-NODE-PORT dst -j RETURN");
    filter.add("-A KUBE-IPVS-FILTER -m conntrack --ctstate NEW -m set --match-set KUBE-IPVS-IPS "
        + "dst -j REJECT");
    nat.add("-A KUBE-POSTROUTING -m mark ! --mark " + mark + "/" + mark + " -j RETURN");
    nat.add("-A KUBE-POSTROUTING -j MARK --xor-mark " + mark);
    nat.add("-A KUBE-POSTROUTING -m comment --comment \"kubernetes service traffic requiring "
        + "SNAT\" -j MASQUERADE --random-fully");
    nat.add("-A KUBE-MARK-MASQ -j MARK --or-mark " + mark);
    filter.add("COMMIT");
    nat.add("COMMIT");
  }
}
