package io.kubewalk.sim.proxy.iptables;

import io.kubewalk.sim.api.EndpointSlice;
import io.kubewalk.sim.api.IntOrString;
import io.kubewalk.sim.api.ProxyConfig;
import io.kubewalk.sim.api.Service;
import io.kubewalk.sim.api.ServicePort;
import io.kubewalk.sim.net.Cidr;
import io.kubewalk.sim.net.Ip;
import io.kubewalk.sim.net.Protocol;
import io.kubewalk.sim.proxy.ProxyInput;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The inputs of upstream's TestOverallIPTablesRules (kubernetes/kubernetes
 * pkg/proxy/iptables/proxier_test.go, release 1.31) as a ProxyInput, with upstream's test
 * conventions: pod IPs 10.0.0.0/8, node test-node at 192.168.0.2 (also 192.168.1.2 and
 * 192.168.99.11), external client 203.0.113.2.
 */
final class Fixtures {

  static final String NODE = "test-node";
  static final List<Ip> NODE_IPS =
      List.of(Ip.parse("192.168.0.2"), Ip.parse("192.168.1.2"), Ip.parse("192.168.99.11"));

  private Fixtures() {}

  static ProxyConfig fakeConfig() {
    return ProxyConfig.defaults().withClusterCidr(Cidr.parse("10.0.0.0/8"));
  }

  static Service svc(String ns, String name, Service.Type type, String clusterIp,
      List<ServicePort> ports, Service.TrafficPolicy etp, List<String> externalIps,
      List<String> lbIps, List<String> sourceRanges, Integer hcNodePort, boolean affinity,
      int affinitySeconds) {
    return new Service(ns, name, type, clusterIp == null ? null : Ip.parse(clusterIp), false,
        ports, Map.of("app", name), etp, Service.TrafficPolicy.Cluster, affinity,
        affinitySeconds, ips(externalIps), ips(lbIps), sourceRanges, null, hcNodePort, false);
  }

  static List<Ip> ips(List<String> s) {
    List<Ip> out = new ArrayList<>();
    s.forEach(x -> out.add(Ip.parse(x)));
    return out;
  }

  static ServicePort port(String name, int port, Integer nodePort) {
    return new ServicePort(name, Protocol.TCP, port, IntOrString.of(port), nodePort);
  }

  static EndpointSlice.Endpoint ep(String ip, String node) {
    return new EndpointSlice.Endpoint(Ip.parse(ip), true, true, false, node, null);
  }

  static EndpointSlice slice(String ns, String svc, String portName, int port,
      EndpointSlice.Endpoint... eps) {
    return new EndpointSlice(ns, svc + "-1", svc,
        List.of(new EndpointSlice.Port(portName, Protocol.TCP, port)), List.of(eps));
  }

  static ProxyInput overall() {
    Service.TrafficPolicy cluster = Service.TrafficPolicy.Cluster;
    List<Service> services = List.of(
        svc("ns1", "svc1", Service.Type.ClusterIP, "172.30.0.41", List.of(port("p80", 80, null)),
            cluster, List.of(), List.of(), List.of(), null, false, 0),
        svc("ns2", "svc2", Service.Type.LoadBalancer, "172.30.0.42",
            List.of(port("p80", 80, 3001)), Service.TrafficPolicy.Local,
            List.of("192.168.99.22"), List.of("1.2.3.4"), List.of(), 30000, false, 0),
        svc("ns3", "svc3", Service.Type.NodePort, "172.30.0.43", List.of(port("p80", 80, 3003)),
            cluster, List.of(), List.of(), List.of(), null, false, 0),
        svc("ns4", "svc4", Service.Type.NodePort, "172.30.0.44", List.of(port("p80", 80, null)),
            cluster, List.of("192.168.99.33"), List.of(), List.of(), null, false, 0),
        svc("ns5", "svc5", Service.Type.LoadBalancer, "172.30.0.45",
            List.of(port("p80", 80, 3002)), cluster, List.of(), List.of("5.6.7.8"),
            List.of(" 203.0.113.0/25"), 30000, true, 10800),
        svc("ns6", "svc6", Service.Type.ClusterIP, "172.30.0.46", List.of(port("p80", 80, null)),
            cluster, List.of(), List.of(), List.of(), null, false, 0));
    List<EndpointSlice> slices = List.of(
        slice("ns1", "svc1", "p80", 80, ep("10.180.0.1", null)),
        slice("ns2", "svc2", "p80", 80, ep("10.180.0.2", null)),
        slice("ns3", "svc3", "p80", 80, ep("10.180.0.3", null)),
        slice("ns4", "svc4", "p80", 80, ep("10.180.0.4", null), ep("10.180.0.5", NODE)),
        slice("ns5", "svc5", "p80", 80, ep("10.180.0.3", null)));
    return new ProxyInput(NODE, NODE_IPS, Cidr.parse("10.0.0.0/24"), fakeConfig(), services,
        slices);
  }
}
