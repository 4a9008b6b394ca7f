package io.kubewalk.sim.proxy.nftables;

import io.kubewalk.sim.api.EndpointSlice;
import io.kubewalk.sim.api.Service;
import io.kubewalk.sim.api.ServicePort;
import io.kubewalk.sim.net.Ip;
import io.kubewalk.sim.net.Protocol;
import io.kubewalk.sim.proxy.ProxyInput;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * kube-proxy's view of Services as ports with endpoints ({@code ServicePortMap} and {@code
 * EndpointsMap} in pkg/proxy), and its {@code CategorizeEndpoints}. Shared by the IPVS and nftables
 * modes.
 */
public final class ServicePorts {

  private ServicePorts() {}

  /** One endpoint of a service port; {@code toString()} is kube-proxy's {@code ip:port}. */
  public record Endpoint(
      Ip ip, int port, boolean ready, boolean serving, boolean terminating, boolean local) {
    @Override
    public String toString() {
      return ip + ":" + port;
    }
  }

  /** A Service port as kube-proxy handles it ({@code BaseServicePortInfo}) with its endpoints. */
  public record Info(Service service, ServicePort port, List<Endpoint> endpoints) {
    public Info {
      endpoints = List.copyOf(endpoints);
    }

    /** {@code ns/name:port} (ServicePortName.String()). */
    public String name() {
      return service.portName(port);
    }

    public Protocol protocol() {
      return port.protocol();
    }

    public Ip clusterIp() {
      return service.clusterIp();
    }

    public int nodePort() {
      return service.hasNodePorts() && port.nodePort() != null ? port.nodePort() : 0;
    }

    public List<Ip> externalIps() {
      return service.externalIps();
    }

    public List<Ip> loadBalancerVips() {
      return service.type() == Service.Type.LoadBalancer
          ? service.loadBalancerIngress() : List.of();
    }

    public int healthCheckNodePort() {
      Integer hc = service.healthCheckNodePort();
      return externalPolicyLocal() && service.type() == Service.Type.LoadBalancer && hc != null
          ? hc : 0;
    }

    /** apiservice.ExternallyAccessible: LoadBalancer, NodePort, or ClusterIP with externalIPs. */
    private boolean serviceExternallyAccessible() {
      return service.type() == Service.Type.LoadBalancer
          || service.type() == Service.Type.NodePort
          || (service.type() == Service.Type.ClusterIP && !service.externalIps().isEmpty());
    }

    public boolean externallyAccessible() {
      return nodePort() != 0 || !loadBalancerVips().isEmpty() || !externalIps().isEmpty();
    }

    public boolean externalPolicyLocal() {
      return serviceExternallyAccessible()
          && service.externalTrafficPolicy() == Service.TrafficPolicy.Local;
    }

    public boolean internalPolicyLocal() {
      return service.internalTrafficPolicy() == Service.TrafficPolicy.Local;
    }

    public boolean usesClusterEndpoints() {
      return !internalPolicyLocal() || (externallyAccessible() && !externalPolicyLocal());
    }

    public boolean usesLocalEndpoints() {
      return internalPolicyLocal() || (externallyAccessible() && externalPolicyLocal());
    }

    public boolean sessionAffinity() {
      return service.sessionAffinityClientIp();
    }

    /** StickyMaxAgeSeconds, 10800 when unset. */
    public int stickyMaxAgeSeconds() {
      int t = service.sessionAffinityTimeoutSeconds();
      return t > 0 ? t : 10800;
    }
  }

  /** The result of {@code proxy.CategorizeEndpoints}. */
  public record Categorized(
      List<Endpoint> cluster, List<Endpoint> local, List<Endpoint> allReachable,
      boolean hasAny) {}

  /**
   * Every service port kube-proxy programs (headless and ExternalName Services and Services
   * without a ClusterIP are skipped), ordered by ServicePortName then protocol so output never
   * depends on map order. Endpoints are de-duplicated and sorted by their {@code ip:port} string
   * as kube-proxy's endpoint slice cache does.
   */
  public static List<Info> of(ProxyInput in) {
    List<Info> out = new ArrayList<>();
    for (Service s : in.services()) {
      if (s.headless() || s.clusterIp() == null || s.type() == Service.Type.ExternalName) {
        continue;
      }
      for (ServicePort p : s.ports()) {
        Map<String, Endpoint> eps = new LinkedHashMap<>();
        for (EndpointSlice slice : in.endpointSlices()) {
          if (!slice.namespace().equals(s.namespace()) || !s.name().equals(slice.serviceName())) {
            continue;
          }
          for (EndpointSlice.Port sp : slice.ports()) {
            String spName = sp.name() == null ? "" : sp.name();
            String pName = p.name() == null ? "" : p.name();
            if (!spName.equals(pName) || sp.protocol() != p.protocol()) {
              continue;
            }
            for (EndpointSlice.Endpoint e : slice.endpoints()) {
              Endpoint ep = new Endpoint(e.address(), sp.port(), e.ready(), e.serving(),
                  e.terminating(), in.nodeName().equals(e.nodeName()));
              eps.putIfAbsent(ep.toString(), ep);
            }
          }
        }
        List<Endpoint> sorted = new ArrayList<>(eps.values());
        sorted.sort(Comparator.comparing(Endpoint::toString));
        out.add(new Info(s, p, sorted));
      }
    }
    out.sort(Comparator.comparing(Info::name).thenComparing(i -> i.protocol().lower()));
    return out;
  }

  /** {@code proxy.CategorizeEndpoints} without topology hints. */
  public static Categorized categorize(Info svc) {
    List<Endpoint> cluster = List.of();
    boolean hasAny = false;
    if (svc.usesClusterEndpoints()) {
      cluster = filter(svc.endpoints(), e -> e.ready());
      if (cluster.isEmpty()) {
        cluster = filter(svc.endpoints(), e -> e.serving() && e.terminating());
      }
      hasAny = !cluster.isEmpty();
    }
    if (!svc.usesLocalEndpoints()) {
      return new Categorized(cluster, List.of(), cluster, hasAny);
    }
    List<Endpoint> local = filter(svc.endpoints(), e -> e.ready() && e.local());
    if (local.isEmpty()) {
      local = filter(svc.endpoints(), e -> e.serving() && e.terminating() && e.local());
    }
    // kube-proxy's pre-scan: any ready (or serving and terminating) endpoint anywhere counts,
    // local or not
    if (svc.endpoints().stream().anyMatch(e -> e.ready() || e.serving() && e.terminating())) {
      hasAny = true;
    }
    if (!svc.usesClusterEndpoints()) {
      return new Categorized(List.of(), local, local, hasAny);
    }
    List<Endpoint> all = new ArrayList<>(cluster);
    for (Endpoint e : local) {
      if (!all.contains(e)) {
        all.add(e);
      }
    }
    all.sort(Comparator.comparing(Endpoint::toString));
    return new Categorized(cluster, local, all, hasAny);
  }

  private static List<Endpoint> filter(
      List<Endpoint> eps, java.util.function.Predicate<Endpoint> p) {
    return eps.stream().filter(p).toList();
  }
}
