package io.kubewalk.sim.proxy.nftables;

import io.kubewalk.sim.api.EndpointSlice;
import io.kubewalk.sim.api.IntOrString;
import io.kubewalk.sim.api.Service;
import io.kubewalk.sim.api.ServicePort;
import io.kubewalk.sim.net.Ip;
import io.kubewalk.sim.net.Protocol;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Small builders for Services and EndpointSlices in the style of upstream's makeTestService. */
public final class ProxyFixtures {

  private ProxyFixtures() {}

  /** A mutable Service spec, turned into the immutable record by {@link #build()}. */
  public static final class Svc {
    String ns;
    String name;
    Service.Type type = Service.Type.ClusterIP;
    Ip clusterIp;
    List<ServicePort> ports = new ArrayList<>();
    Service.TrafficPolicy etp = Service.TrafficPolicy.Cluster;
    Service.TrafficPolicy itp = Service.TrafficPolicy.Cluster;
    boolean affinity;
    int affinityTimeout;
    List<Ip> externalIps = new ArrayList<>();
    List<Ip> lbIngress = new ArrayList<>();
    List<String> sourceRanges = new ArrayList<>();
    Integer hcNodePort;

    public Svc type(Service.Type t) {
      type = t;
      return this;
    }

    public Svc clusterIp(String ip) {
      clusterIp = Ip.parse(ip);
      return this;
    }

    public Svc port(String pname, Protocol proto, int port, Integer nodePort) {
      ports.add(new ServicePort(pname, proto, port, IntOrString.of(port), nodePort));
      return this;
    }

    public Svc etpLocal() {
      etp = Service.TrafficPolicy.Local;
      return this;
    }

    public Svc itpLocal() {
      itp = Service.TrafficPolicy.Local;
      return this;
    }

    public Svc affinity(int timeout) {
      affinity = true;
      affinityTimeout = timeout;
      return this;
    }

    public Svc externalIp(String ip) {
      externalIps.add(Ip.parse(ip));
      return this;
    }

    public Svc lb(String ip) {
      lbIngress.add(Ip.parse(ip));
      return this;
    }

    public Svc sourceRange(String r) {
      sourceRanges.add(r);
      return this;
    }

    public Svc healthCheckNodePort(int p) {
      hcNodePort = p;
      return this;
    }

    public Service build() {
      return new Service(ns, name, type, clusterIp, false, ports, Map.of("app", name), etp, itp,
          affinity, affinityTimeout, externalIps, lbIngress, sourceRanges, null, hcNodePort,
          false);
    }
  }

  public static Svc svc(String ns, String name) {
    Svc s = new Svc();
    s.ns = ns;
    s.name = name;
    return s;
  }

  /** An endpoint: ready unless stated, on the given node (null = unknown node). */
  public static EndpointSlice.Endpoint ep(String ip, String node) {
    return new EndpointSlice.Endpoint(Ip.parse(ip), true, true, false, node, null);
  }

  public static EndpointSlice.Endpoint terminating(String ip, String node) {
    return new EndpointSlice.Endpoint(Ip.parse(ip), false, true, true, node, null);
  }

  public static EndpointSlice slice(
      String ns, String svc, String portName, Protocol proto, int port,
      EndpointSlice.Endpoint... eps) {
    return new EndpointSlice(ns, svc + "-1", svc,
        List.of(new EndpointSlice.Port(portName, proto, port)), List.of(eps));
  }
}
