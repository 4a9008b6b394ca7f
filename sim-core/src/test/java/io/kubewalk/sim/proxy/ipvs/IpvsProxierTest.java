package io.kubewalk.sim.proxy.ipvs;

import static io.kubewalk.sim.proxy.nftables.ProxyFixtures.ep;
import static io.kubewalk.sim.proxy.nftables.ProxyFixtures.slice;
import static io.kubewalk.sim.proxy.nftables.ProxyFixtures.svc;
import static org.assertj.core.api.Assertions.assertThat;

import io.kubewalk.sim.api.EndpointSlice;
import io.kubewalk.sim.api.ProxyConfig;
import io.kubewalk.sim.api.Service;
import io.kubewalk.sim.net.Ip;
import io.kubewalk.sim.net.Protocol;
import io.kubewalk.sim.net.ipvs.IpSet;
import io.kubewalk.sim.net.ipvs.RealServer;
import io.kubewalk.sim.net.ipvs.VirtualServer;
import io.kubewalk.sim.proxy.ProxyInput;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class IpvsProxierTest {

  static ProxyConfig config() {
    // upstream's NewFakeProxier: rr, no local detector (no clusterCIDR), all node addresses
    return new ProxyConfig(ProxyConfig.Mode.ipvs, null, false, "ClusterCIDR", List.of(), 14,
        true, "rr");
  }

  static ProxyInput input(List<String> nodeIps, List<Service> svcs, List<EndpointSlice> eps) {
    return new ProxyInput("test-node", nodeIps.stream().map(Ip::parse).toList(), null, config(),
        svcs, eps);
  }

  /** The inputs of TestNodePortIPv4's IPv4 cases (IPv6 endpoints and node IPs left out). */
  static Map<String, ProxyInput> cases() {
    Map<String, ProxyInput> m = new LinkedHashMap<>();
    Protocol tcp = Protocol.TCP;
    m.put("1 service with node port, has 2 endpoints", input(List.of("100.101.102.103"),
        List.of(svc("ns1", "svc1").type(Service.Type.NodePort).clusterIp("10.20.30.41")
            .port("p80", tcp, 80, 3001).build()),
        List.of(slice("ns1", "svc1", "p80", tcp, 80, ep("10.180.0.1", null)))));
    m.put("1 UDP service with node port, has endpoints", input(List.of("100.101.102.103"),
        List.of(svc("ns1", "svc1").type(Service.Type.NodePort).clusterIp("10.20.30.41")
            .port("p80", Protocol.UDP, 80, 3001).build()),
        List.of(slice("ns1", "svc1", "p80", Protocol.UDP, 80, ep("10.180.0.1", null)))));
    m.put("service has node port but no endpoints", input(List.of("100.101.102.103"),
        List.of(svc("ns1", "svc1").type(Service.Type.NodePort).clusterIp("10.20.30.41")
            .port("p80", tcp, 80, 3001).build()),
        List.of()));
    m.put("node port service with protocol sctp on a node with multiple nodeIPs",
        input(List.of("100.101.102.103", "100.101.102.104", "100.101.102.105"),
            List.of(svc("ns1", "svc1").type(Service.Type.NodePort).clusterIp("10.20.30.41")
                .port("p80", Protocol.SCTP, 80, 3001).build()),
            List.of(slice("ns1", "svc1", "p80", Protocol.SCTP, 80, ep("10.180.0.1", null)))));
    m.put("node port service with protocol sctp and externalTrafficPolicy local",
        input(List.of("100.101.102.103"),
            List.of(svc("ns1", "svc1").type(Service.Type.NodePort).clusterIp("10.20.30.41")
                .port("p80", Protocol.SCTP, 80, 3001).etpLocal().build()),
            List.of(slice("ns1", "svc1", "p80", Protocol.SCTP, 80, ep("10.180.0.1", "test-node"),
                ep("10.180.1.1", "other-node")))));
    return m;
  }

  /** The upstream expectations, case name -> lines. */
  static Map<String, List<String>> upstream() throws IOException {
    Map<String, List<String>> m = new LinkedHashMap<>();
    String current = null;
    try (InputStream in = IpvsProxierTest.class.getResourceAsStream(
        "nodeport-ipv4-upstream.txt")) {
      for (String l : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (l.startsWith("case ")) {
          current = l.substring(5);
          m.put(current, new ArrayList<>());
        } else if (current != null && !l.isBlank() && !l.startsWith("#")) {
          m.get(current).add(l);
        }
      }
    }
    return m;
  }

  static final Pattern JUMP = Pattern.compile(" -j (\\S+)");
  static final Pattern SET = Pattern.compile("--match-set (\\S+)");
  static final Pattern SRC = Pattern.compile(" -s (\\S+)");

  /** Our state in the golden's line format, restricted to the sets and chains it mentions. */
  static List<String> render(IpvsState st, List<String> expected) {
    List<String> out = new ArrayList<>();
    for (VirtualServer vs : st.ipvs().services()) {
      out.add("vs " + vs.protocol().name() + " " + vs.address() + ":" + vs.port() + " "
          + vs.scheduler());
      for (RealServer rs : vs.sortedRealServers()) {
        assertThat(rs.weight()).isEqualTo(1);
        assertThat(rs.forward()).isEqualTo(RealServer.Forward.MASQ);
        out.add("rs " + rs);
      }
    }
    List<String> sets = expected.stream().filter(l -> l.startsWith("ipset "))
        .map(l -> l.split(" ")[1]).distinct().toList();
    for (String s : sets) {
      for (String member : st.ipset(s).members()) {
        out.add("ipset " + s + " " + member);
      }
    }
    List<String> chains = expected.stream().filter(l -> l.startsWith("chain "))
        .map(l -> l.split(" ")[1]).distinct().toList();
    List<String> all = new ArrayList<>(st.natLines());
    all.addAll(st.filterLines());
    for (String c : chains) {
      for (String l : all) {
        if (l.startsWith("-A " + c + " ")) {
          out.add("chain " + c + " " + group(JUMP, l) + " " + group(SET, l) + " "
              + group(SRC, l));
        }
      }
    }
    return out;
  }

  private static String group(Pattern p, String l) {
    Matcher m = p.matcher(l);
    return m.find() ? m.group(1) : "-";
  }

  static Stream<String> caseNames() {
    return cases().keySet().stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("caseNames")
  void stateMatchesUpstreamTestNodePortIPv4(String name) throws IOException {
    List<String> expected = upstream().get(name);
    IpvsState st = new IpvsProxier().sync(cases().get(name));
    assertThat(render(st, expected)).containsExactlyElementsOf(expected);
  }

  @Test
  void clusterIpsAreBoundToTheDummyDeviceAndListedByIpvsadm() {
    IpvsState st = new IpvsProxier().sync(cases().get(
        "1 service with node port, has 2 endpoints"));
    assertThat(st.dummyAddresses()).containsExactly(Ip.parse("10.20.30.41"));
    assertThat(st.ipset("KUBE-IPVS-IPS").members()).containsExactly("10.20.30.41");
    assertThat(st.ipset("KUBE-CLUSTER-IP").members()).containsExactly("10.20.30.41,tcp:80");
    assertThat(st.ipvs().list()).isEqualTo(
        "IP Virtual Server version 1.2.1 (size=4096)\n"
            + "Prot LocalAddress:Port Scheduler Flags\n"
            + "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n"
            + "TCP  10.20.30.41:80 rr\n"
            + "  -> 10.180.0.1:80                Masq    1      0          0         \n"
            + "TCP  100.101.102.103:3001 rr\n"
            + "  -> 10.180.0.1:80                Masq    1      0          0         \n");
    assertThat(st.iptablesText()).contains(
        "-A KUBE-SERVICES -m comment --comment \"Kubernetes service cluster ip + port for "
            + "masquerade purpose\" -m set --match-set KUBE-CLUSTER-IP src,dst -j KUBE-MARK-MASQ",
        "-A KUBE-NODE-PORT -p tcp -m comment --comment \"Kubernetes nodeport TCP port for "
            + "masquerade purpose\" -m set --match-set KUBE-NODE-PORT-TCP dst -j KUBE-MARK-MASQ",
        "-A KUBE-MARK-MASQ -j MARK --or-mark 0x004000");
  }

  @Test
  void sessionAffinityMakesTheServicePersistent() {
    ProxyInput in = input(List.of("192.168.0.2"),
        List.of(svc("ns1", "svc1").clusterIp("10.96.0.10").port("dns", Protocol.UDP, 53, null)
            .affinity(600).build()),
        List.of(slice("ns1", "svc1", "dns", Protocol.UDP, 53, ep("10.244.1.2", null))));
    IpvsState st = new IpvsProxier().sync(in);
    assertThat(st.ipvs().list()).contains("UDP  10.96.0.10:53 rr persistent 600\n");
    IpSet hc = st.ipset("KUBE-HEALTH-CHECK-NODE-PORT");
    assertThat(hc.isEmpty()).isTrue();
  }
}
