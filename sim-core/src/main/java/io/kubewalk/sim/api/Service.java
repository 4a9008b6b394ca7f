package io.kubewalk.sim.api;

import io.kubewalk.sim.net.Ip;
import java.util.List;
import java.util.Map;

/**
 * A Service. {@code selector} is null for a Service without selector; {@code clusterIp} is null
 * until allocated and {@code headless} when {@code clusterIP: None}.
 */
public record Service(
    String namespace,
    String name,
    Type type,
    Ip clusterIp,
    boolean headless,
    List<ServicePort> ports,
    Map<String, String> selector,
    TrafficPolicy externalTrafficPolicy,
    TrafficPolicy internalTrafficPolicy,
    boolean sessionAffinityClientIp,
    int sessionAffinityTimeoutSeconds,
    List<Ip> externalIps,
    List<Ip> loadBalancerIngress,
    List<String> loadBalancerSourceRanges,
    String externalName,
    Integer healthCheckNodePort,
    boolean publishNotReadyAddresses) {

  public enum Type {
    ClusterIP,
    NodePort,
    LoadBalancer,
    ExternalName
  }

  public enum TrafficPolicy {
    Cluster,
    Local
  }

  public Service {
    ports = List.copyOf(ports);
    selector = selector == null ? null : Map.copyOf(selector);
    externalIps = List.copyOf(externalIps);
    loadBalancerIngress = List.copyOf(loadBalancerIngress);
    loadBalancerSourceRanges = List.copyOf(loadBalancerSourceRanges);
  }

  public String key() {
    return namespace + "/" + name;
  }

  /** kube-proxy's ServicePortName text: {@code ns/name:port} (port name may be empty). */
  public String portName(ServicePort p) {
    return namespace + "/" + name + (p.name() == null || p.name().isEmpty() ? "" : ":" + p.name());
  }

  public boolean hasNodePorts() {
    return type == Type.NodePort || type == Type.LoadBalancer;
  }

  public Service withAllocation(Ip ip, List<ServicePort> newPorts, Integer hcNodePort) {
    return new Service(namespace, name, type, ip, headless, newPorts, selector,
        externalTrafficPolicy, internalTrafficPolicy, sessionAffinityClientIp,
        sessionAffinityTimeoutSeconds, externalIps, loadBalancerIngress, loadBalancerSourceRanges,
        externalName, hcNodePort, publishNotReadyAddresses);
  }
}
