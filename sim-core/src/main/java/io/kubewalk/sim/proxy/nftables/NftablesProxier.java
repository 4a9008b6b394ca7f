package io.kubewalk.sim.proxy.nftables;

import io.kubewalk.sim.api.ProxyConfig;
import io.kubewalk.sim.net.Cidr;
import io.kubewalk.sim.net.Ip;
import io.kubewalk.sim.net.nftables.NftChain;
import io.kubewalk.sim.net.nftables.NftExpr;
import io.kubewalk.sim.net.nftables.NftExpr.AddrInSet;
import io.kubewalk.sim.net.nftables.NftExpr.AddrMatch;
import io.kubewalk.sim.net.nftables.NftExpr.CtStateNew;
import io.kubewalk.sim.net.nftables.NftExpr.FibLocal;
import io.kubewalk.sim.net.nftables.NftExpr.Verdict;
import io.kubewalk.sim.net.nftables.NftExpr.VmapLookup;
import io.kubewalk.sim.net.nftables.NftRule;
import io.kubewalk.sim.net.nftables.NftSet;
import io.kubewalk.sim.net.nftables.NftTable;
import io.kubewalk.sim.proxy.ProxyInput;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;

/**
 * kube-proxy's nftables mode ({@code pkg/proxy/nftables/proxier.go}): one full sync of the {@code
 * ip kube-proxy} table for a node. Follows upstream's {@code setupNFTables} and {@code
 * syncProxyRules} statement by statement (IPv4 only, no topology hints, no partial syncs).
 */
public final class NftablesProxier {

  static final String TABLE = "kube-proxy";
  static final String SERVICES = "services";
  static final String SERVICE_IPS = "service-ips";
  static final String SERVICE_NODEPORTS = "service-nodeports";
  static final String NODEPORT_IPS = "nodeport-ips";
  static final String CLUSTER_IPS = "cluster-ips";
  static final String SERVICE_ENDPOINTS_CHECK = "service-endpoints-check";
  static final String NODEPORT_ENDPOINTS_CHECK = "nodeport-endpoints-check";
  static final String NO_ENDPOINT_SERVICES = "no-endpoint-services";
  static final String NO_ENDPOINT_NODEPORTS = "no-endpoint-nodeports";
  static final String REJECT_CHAIN = "reject-chain";
  static final String CLUSTER_IPS_CHECK = "cluster-ips-check";
  static final String FIREWALL_IPS = "firewall-ips";
  static final String FIREWALL_CHECK = "firewall-check";
  static final String MARK_MASQ = "mark-for-masquerade";
  static final String MASQUERADING = "masquerading";

  private record BaseChain(String name, String type, String hook, int priority) {}

  private static final List<BaseChain> BASE_CHAINS =
      List.of(
          new BaseChain("filter-prerouting-pre-dnat", "filter", "prerouting", -110),
          new BaseChain("filter-output-pre-dnat", "filter", "output", -110),
          new BaseChain("filter-input", "filter", "input", 0),
          new BaseChain("filter-forward", "filter", "forward", 0),
          new BaseChain("filter-output", "filter", "output", 0),
          new BaseChain("nat-prerouting", "nat", "prerouting", -100),
          new BaseChain("nat-output", "nat", "output", -100),
          new BaseChain("nat-postrouting", "nat", "postrouting", 100));

  private record Jump(String dst, String src, boolean ctNew) {}

  private static final List<Jump> JUMPS =
      List.of(
          new Jump(NODEPORT_ENDPOINTS_CHECK, "filter-input", true),
          new Jump(SERVICE_ENDPOINTS_CHECK, "filter-input", true),
          new Jump(SERVICE_ENDPOINTS_CHECK, "filter-forward", true),
          new Jump(SERVICE_ENDPOINTS_CHECK, "filter-output", true),
          new Jump(FIREWALL_CHECK, "filter-prerouting-pre-dnat", true),
          new Jump(FIREWALL_CHECK, "filter-output-pre-dnat", true),
          new Jump(SERVICES, "nat-output", false),
          new Jump(SERVICES, "nat-prerouting", false),
          new Jump(MASQUERADING, "nat-postrouting", false),
          new Jump(CLUSTER_IPS_CHECK, "filter-forward", true),
          new Jump(CLUSTER_IPS_CHECK, "filter-output", true));

  private final List<Cidr> serviceCidrs;

  /** A proxier that does not know the ServiceCIDRs (no "drop unallocated ClusterIPs" rule). */
  public NftablesProxier() {
    this(List.of());
  }

  /** @param serviceCidrs the cluster's ServiceCIDRs, as kube-proxy learns them from the API */
  public NftablesProxier(List<Cidr> serviceCidrs) {
    this.serviceCidrs = List.copyOf(serviceCidrs);
  }

  /** Builds the whole {@code ip kube-proxy} table for the node described by {@code in}. */
  public NftTable sync(ProxyInput in) {
    ProxyConfig cfg = in.config();
    NftTable t = new NftTable("ip", TABLE, "rules for kube-proxy");
    int mark = cfg.masqueradeMark();
    List<Ip> nodePortIps = nodePortIps(in);
    boolean matchAll = nodePortIps == null;

    for (BaseChain bc : BASE_CHAINS) {
      t.chain(bc.name(), new NftChain.Base(bc.type(), bc.hook(), bc.priority()), null);
    }
    for (Jump j : JUMPS) {
      t.chain(j.dst());
      List<NftExpr> x = new ArrayList<>();
      if (j.ctNew()) {
        x.add(new CtStateNew());
      }
      x.add(Verdict.jump(j.dst()));
      t.findChain(j.src()).add(new NftRule(x, null));
    }
    for (String c : List.of(SERVICES, CLUSTER_IPS_CHECK, MASQUERADING, MARK_MASQ)) {
      t.chain(c);
    }
    t.findChain(MARK_MASQ).add(NftRule.of(new NftExpr.MarkOr(mark)));
    NftChain masq = t.findChain(MASQUERADING);
    masq.add(NftRule.of(new NftExpr.MarkClear(mark), Verdict.of(Verdict.Kind.RETURN)));
    masq.add(NftRule.of(new NftExpr.MarkXor(mark)));
    masq.add(NftRule.of(new NftExpr.Masquerade()));

    NftSet clusterIps =
        t.addSet(new NftSet(CLUSTER_IPS, false, "ipv4_addr", List.of(), null, "Active ClusterIPs"));
    NftChain cipCheck = t.findChain(CLUSTER_IPS_CHECK);
    cipCheck.add(NftRule.of(new AddrInSet(false, CLUSTER_IPS), Verdict.of(Verdict.Kind.REJECT))
        .withComment("Reject traffic to invalid ports of ClusterIPs"));
    if (!serviceCidrs.isEmpty()) {
      cipCheck.add(NftRule.of(new AddrMatch(false, false, serviceCidrs, true),
              Verdict.of(Verdict.Kind.DROP))
          .withComment("Drop traffic to unallocated ClusterIPs"));
    }
    if (!matchAll) {
      NftSet np = t.addSet(new NftSet(NODEPORT_IPS, false, "ipv4_addr", List.of(), null,
          "IPs that accept NodePort traffic"));
      for (Ip ip : nodePortIps) {
        if (!ip.isLoopback()) {
          np.add(new NftSet.Element(List.of(ip.toString()), null, null));
        }
      }
    }
    String vtype = "ipv4_addr . inet_proto . inet_service : verdict";
    String ptype = "inet_proto . inet_service : verdict";
    NftSet noEpSvc = t.addSet(new NftSet(NO_ENDPOINT_SERVICES, true, vtype, List.of(), null,
        "vmap to drop or reject packets to services with no endpoints"));
    NftSet noEpNp = t.addSet(new NftSet(NO_ENDPOINT_NODEPORTS, true, ptype, List.of(), null,
        "vmap to drop or reject packets to service nodeports with no endpoints"));
    t.chain(REJECT_CHAIN, null, "helper for @no-endpoint-services / @no-endpoint-nodeports")
        .add(NftRule.of(Verdict.of(Verdict.Kind.REJECT)));
    t.findChain(SERVICE_ENDPOINTS_CHECK).add(NftRule.of(new VmapLookup(true, NO_ENDPOINT_SERVICES)));
    Cidr lo = Cidr.parse("127.0.0.0/8");
    if (matchAll) {
      t.findChain(NODEPORT_ENDPOINTS_CHECK).add(NftRule.of(new AddrMatch(false, true, List.of(lo),
          false), new VmapLookup(false, NO_ENDPOINT_NODEPORTS)));
    } else {
      t.findChain(NODEPORT_ENDPOINTS_CHECK).add(NftRule.of(new AddrInSet(false, NODEPORT_IPS),
          new VmapLookup(false, NO_ENDPOINT_NODEPORTS)));
    }
    NftSet firewallIps = t.addSet(new NftSet(FIREWALL_IPS, true, vtype, List.of(), null,
        "destinations that are subject to LoadBalancerSourceRanges"));
    t.findChain(FIREWALL_CHECK).add(NftRule.of(new VmapLookup(true, FIREWALL_IPS)));
    NftSet serviceIps = t.addSet(new NftSet(SERVICE_IPS, true, vtype, List.of(), null,
        "ClusterIP, ExternalIP and LoadBalancer IP traffic"));
    NftSet serviceNodePorts = t.addSet(new NftSet(SERVICE_NODEPORTS, true, ptype, List.of(),
        null, "NodePort traffic"));
    NftChain services = t.findChain(SERVICES);
    services.add(NftRule.of(new VmapLookup(true, SERVICE_IPS)));
    if (matchAll) {
      services.add(NftRule.of(new FibLocal(false), new AddrMatch(false, true, List.of(lo), false),
          new VmapLookup(false, SERVICE_NODEPORTS)));
    } else {
      services.add(NftRule.of(new AddrInSet(false, NODEPORT_IPS),
          new VmapLookup(false, SERVICE_NODEPORTS)));
    }

    Cidr localCidr = localCidr(cfg, in);
    for (ServicePorts.Info svc : ServicePorts.of(in)) {
      syncService(t, in, svc, localCidr, clusterIps, serviceIps, noEpSvc, noEpNp, firewallIps,
          serviceNodePorts);
    }
    return t;
  }

  private void syncService(NftTable t, ProxyInput in, ServicePorts.Info svc, Cidr localCidr,
      NftSet clusterIps, NftSet serviceIps, NftSet noEpSvc, NftSet noEpNp, NftSet firewallIps,
      NftSet serviceNodePorts) {
    String proto = svc.protocol().lower();
    String base = servicePortChainNameBase(svc);
    String clusterChain = "service-" + base;
    String localChain = "local-" + base;
    String extChain = "external-" + base;
    String fwChain = "firewall-" + base;
    ServicePorts.Categorized cat = ServicePorts.categorize(svc);

    for (ServicePorts.Endpoint ep : cat.allReachable()) {
      t.chain("endpoint-" + endpointChainNameBase(svc, ep));
    }
    boolean usesCluster = !cat.cluster().isEmpty() && svc.usesClusterEndpoints();
    if (usesCluster) {
      t.chain(clusterChain);
    }
    boolean usesLocal = !cat.local().isEmpty() && svc.usesLocalEndpoints();
    if (usesLocal) {
      t.chain(localChain);
    }
    String internalChain = clusterChain;
    boolean hasInternal = cat.hasAny();
    if (svc.internalPolicyLocal()) {
      internalChain = localChain;
      hasInternal = !cat.local().isEmpty();
    }
    String externalPolicyChain = clusterChain;
    boolean hasExternal = cat.hasAny();
    if (svc.externalPolicyLocal()) {
      externalPolicyChain = localChain;
      hasExternal = !cat.local().isEmpty();
    }
    boolean usesExt = cat.hasAny() && svc.externallyAccessible();
    if (usesExt) {
      t.chain(extChain);
    }
    String internalFilter = null;
    String externalFilter = null;
    if (!cat.hasAny()) {
      internalFilter = "goto " + REJECT_CHAIN;
      externalFilter = "goto " + REJECT_CHAIN;
    } else {
      if (!hasInternal) {
        internalFilter = "drop";
      }
      if (!hasExternal) {
        externalFilter = "drop";
      }
    }
    String name = svc.name();
    String port = Integer.toString(svc.port().port());
    String cip = svc.clusterIp().toString();
    clusterIps.add(new NftSet.Element(List.of(cip), null, null));
    if (hasInternal) {
      serviceIps.add(new NftSet.Element(List.of(cip, proto, port), "goto " + internalChain, null));
    } else {
      noEpSvc.add(new NftSet.Element(List.of(cip, proto, port), internalFilter, name));
    }
    for (Ip eip : svc.externalIps()) {
      if (cat.hasAny()) {
        serviceIps.add(new NftSet.Element(List.of(eip.toString(), proto, port), "goto " + extChain,
            null));
      }
      if (!hasExternal) {
        noEpSvc.add(new NftSet.Element(List.of(eip.toString(), proto, port), externalFilter, name));
      }
    }
    boolean usesFw = !svc.loadBalancerVips().isEmpty()
        && !svc.service().loadBalancerSourceRanges().isEmpty();
    if (usesFw) {
      t.chain(fwChain);
    }
    for (Ip lb : svc.loadBalancerVips()) {
      if (cat.hasAny()) {
        serviceIps.add(new NftSet.Element(List.of(lb.toString(), proto, port), "goto " + extChain,
            null));
      }
      if (usesFw) {
        firewallIps.add(new NftSet.Element(List.of(lb.toString(), proto, port), "goto " + fwChain,
            null));
      }
    }
    if (!hasExternal) {
      for (Ip lb : svc.loadBalancerVips()) {
        noEpSvc.add(new NftSet.Element(List.of(lb.toString(), proto, port), externalFilter, name));
      }
    }
    if (svc.nodePort() != 0) {
      String np = Integer.toString(svc.nodePort());
      if (cat.hasAny()) {
        serviceNodePorts.add(new NftSet.Element(List.of(proto, np), "goto " + extChain, null));
      }
      if (!hasExternal) {
        noEpNp.add(new NftSet.Element(List.of(proto, np), externalFilter, name));
      }
    }

    Cidr host = Cidr.host(svc.clusterIp());
    if (hasInternal) {
      if (in.config().masqueradeAll()) {
        t.findChain(internalChain).add(NftRule.of(new AddrMatch(false, false, List.of(host), false),
            Verdict.jump(MARK_MASQ)));
      } else if (localCidr != null) {
        t.findChain(internalChain).add(NftRule.of(new AddrMatch(false, false, List.of(host), false),
            new AddrMatch(true, true, List.of(localCidr), false), Verdict.jump(MARK_MASQ)));
      }
    }
    if (usesExt) {
      NftChain ext = t.findChain(extChain);
      if (!svc.externalPolicyLocal()) {
        ext.add(NftRule.of(Verdict.jump(MARK_MASQ)));
      } else {
        if (localCidr != null) {
          ext.add(NftRule.of(new AddrMatch(true, false, List.of(localCidr), false),
              Verdict.goTo(clusterChain)).withComment("short-circuit pod traffic"));
        }
        ext.add(NftRule.of(new FibLocal(true), Verdict.jump(MARK_MASQ))
            .withComment("masquerade local traffic"));
        ext.add(NftRule.of(new FibLocal(true), Verdict.goTo(clusterChain))
            .withComment("short-circuit local traffic"));
      }
      if (hasExternal) {
        ext.add(NftRule.of(Verdict.goTo(externalPolicyChain)));
      }
    }
    if (usesFw) {
      List<Cidr> sources = new ArrayList<>();
      boolean allowFromNode = false;
      Ip nodeIp = in.nodeIps().isEmpty() ? null : in.nodeIps().get(0);
      for (String r : svc.service().loadBalancerSourceRanges()) {
        Cidr c = Cidr.parse(r.trim());
        sources.add(c);
        if (nodeIp != null && c.contains(nodeIp)) {
          allowFromNode = true;
        }
      }
      if (allowFromNode) {
        for (Ip lb : svc.loadBalancerVips()) {
          sources.add(Cidr.host(lb));
        }
      }
      t.findChain(fwChain).add(NftRule.of(new AddrMatch(true, true, sources, true),
          Verdict.of(Verdict.Kind.DROP)));
    }
    if (svc.sessionAffinity()) {
      for (ServicePorts.Endpoint ep : cat.allReachable()) {
        t.addSet(new NftSet("affinity-" + endpointChainNameBase(svc, ep), false, "ipv4_addr",
            List.of("dynamic", "timeout"), svc.stickyMaxAgeSeconds(), null));
      }
    }
    if (usesCluster) {
      writeServiceToEndpointRules(t, svc, clusterChain, cat.cluster());
    }
    if (usesLocal) {
      writeServiceToEndpointRules(t, svc, localChain, cat.local());
    }
    for (ServicePorts.Endpoint ep : cat.allReachable()) {
      String epBase = endpointChainNameBase(svc, ep);
      NftChain c = t.findChain("endpoint-" + epBase);
      c.add(NftRule.of(new AddrMatch(true, false, List.of(Cidr.host(ep.ip())), false),
          Verdict.jump(MARK_MASQ)));
      if (svc.sessionAffinity()) {
        c.add(NftRule.of(new NftExpr.UpdateSet("affinity-" + epBase)));
      }
      c.add(NftRule.of(new NftExpr.L4Proto(svc.protocol()), new NftExpr.Dnat(ep.ip(), ep.port())));
    }
  }

  private static void writeServiceToEndpointRules(
      NftTable t, ServicePorts.Info svc, String chainName, List<ServicePorts.Endpoint> eps) {
    NftChain chain = t.findChain(chainName);
    if (svc.sessionAffinity()) {
      for (ServicePorts.Endpoint ep : eps) {
        String base = endpointChainNameBase(svc, ep);
        chain.add(NftRule.of(new AddrInSet(true, "affinity-" + base),
            Verdict.goTo("endpoint-" + base)));
      }
    }
    List<String> targets = new ArrayList<>();
    for (ServicePorts.Endpoint ep : eps) {
      targets.add("endpoint-" + endpointChainNameBase(svc, ep));
    }
    chain.add(NftRule.of(new NftExpr.NumgenVmap(targets)));
  }

  /** The node IPs selected by nodePortAddresses, or null when every local address matches. */
  static List<Ip> nodePortIps(ProxyInput in) {
    List<String> npa = in.config().nodePortAddresses();
    if (npa.isEmpty()) {
      return null;
    }
    List<Ip> out = new ArrayList<>();
    for (String s : npa) {
      if (s.equals("primary")) {
        if (!in.nodeIps().isEmpty() && !out.contains(in.nodeIps().get(0))) {
          out.add(in.nodeIps().get(0));
        }
        continue;
      }
      Cidr c = Cidr.parse(s);
      if (c.prefix() == 0) {
        return null;
      }
      for (Ip ip : in.nodeIps()) {
        if (c.contains(ip) && !out.contains(ip)) {
          out.add(ip);
        }
      }
    }
    return out;
  }

  /**
   * The CIDR the local-traffic detector uses; null (no traffic counts as local) for
   * BridgeInterface and InterfaceNamePrefix, which kubewalk does not model.
   */
  static Cidr localCidr(ProxyConfig cfg, ProxyInput in) {
    String mode = cfg.detectLocalMode() == null ? "ClusterCIDR" : cfg.detectLocalMode();
    return switch (mode) {
      case "ClusterCIDR" -> cfg.clusterCidr();
      case "NodeCIDR" -> in.podCidr();
      default -> null;
    };
  }

  /** {@code HASH-ns/name/proto/port} (servicePortChainNameBase). */
  public static String servicePortChainNameBase(ServicePorts.Info svc) {
    String port = svc.port().name() == null ? "" : svc.port().name();
    return hashAndTruncate(svc.service().namespace() + "/" + svc.service().name() + "/"
        + svc.protocol().lower() + "/" + port);
  }

  /** {@code HASH-ns/name/proto/port__ip/port} (servicePortEndpointChainNameBase). */
  public static String endpointChainNameBase(ServicePorts.Info svc, ServicePorts.Endpoint ep) {
    String port = svc.port().name() == null ? "" : svc.port().name();
    return hashAndTruncate(svc.service().namespace() + "/" + svc.service().name() + "/"
        + svc.protocol().lower() + "/" + port + "__" + ep.ip() + "/" + ep.port());
  }

  /** First 8 base32 characters of the SHA-256 of {@code name}, a dash, the name (max 240). */
  static String hashAndTruncate(String name) {
    byte[] hash;
    try {
      hash = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    String out = base32(hash).substring(0, 8) + "-" + name;
    int max = 256 - 16;
    return out.length() > max ? out.substring(0, max - 3) + "..." : out;
  }

  private static String base32(byte[] data) {
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    StringBuilder b = new StringBuilder();
    int buffer = 0;
    int bits = 0;
    for (byte d : data) {
      buffer = (buffer << 8) | (d & 0xff);
      bits += 8;
      while (bits >= 5) {
        b.append(alphabet.charAt((buffer >> (bits - 5)) & 31));
        bits -= 5;
      }
    }
    if (bits > 0) {
      b.append(alphabet.charAt((buffer << (5 - bits)) & 31));
    }
    return b.toString();
  }
}
