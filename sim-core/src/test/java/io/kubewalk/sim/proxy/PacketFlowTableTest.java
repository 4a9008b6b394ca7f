package io.kubewalk.sim.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubewalk.sim.Kubewalk;
import io.kubewalk.sim.Simulation;
import io.kubewalk.sim.api.Pod;
import io.kubewalk.sim.api.ProxyConfig;
import io.kubewalk.sim.net.Ip;
import io.kubewalk.sim.net.ns.NetNamespace;
import io.kubewalk.sim.trace.Endpoints;
import io.kubewalk.sim.trace.Trace;
import io.kubewalk.sim.trace.Verdict;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The packet-flow table in the style of kube-proxy's own tests ({@code flows.txt}): for every
 * Service shape and traffic policy of {@code services.yaml}, who may serve a connection (or
 * REJECT/DROP), whether it is masqueraded and which source the server sees; and, for every
 * delivered connection, that the reply comes back from the address the client connected to.
 * Every row is traced with several seeds, so every endpoint a row names must actually serve.
 */
class PacketFlowTableTest {

  private static final int SEEDS = 16;
  private static final Simulation BASE;

  static {
    try (InputStream in = PacketFlowTableTest.class.getResourceAsStream("services.yaml")) {
      BASE = Kubewalk.fromYaml("services.yaml", new String(in.readAllBytes(),
          StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static final Map<ProxyConfig.Mode, Simulation> SIMS = new EnumMap<>(
      ProxyConfig.Mode.class);

  private static Simulation sim(ProxyConfig.Mode mode) {
    return SIMS.computeIfAbsent(mode, BASE::withProxyMode);
  }

  /**
   * One row in one kube-proxy mode; {@code expect} is the row's outcome for that mode (a row may
   * name a mode's own outcome as {@code ipvs=REJECTED}, where the modes really differ).
   */
  record Row(int line, ProxyConfig.Mode mode, String from, String enter, String to,
      String expect, boolean masq, String seen) {
    @Override
    public String toString() {
      return mode + " flows.txt:" + line + " " + from + (enter.isEmpty() ? "" : " via " + enter)
          + " -> " + to + " => " + expect;
    }
  }

  private static String expectFor(String column, ProxyConfig.Mode mode) {
    String[] parts = column.split("\\s+");
    for (int i = 1; i < parts.length; i++) {
      if (parts[i].startsWith(mode.name() + "=")) {
        return parts[i].substring(mode.name().length() + 1);
      }
    }
    return parts[0];
  }

  static Stream<Row> rows() throws IOException {
    try (InputStream in = PacketFlowTableTest.class.getResourceAsStream("flows.txt")) {
      List<String> lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
      return java.util.stream.IntStream.range(0, lines.size())
          .filter(i -> !lines.get(i).isBlank() && !lines.get(i).startsWith("#"))
          .mapToObj(i -> {
            String[] c = Arrays.stream(lines.get(i).split("\\|")).map(String::trim)
                .toArray(String[]::new);
            return Arrays.stream(ProxyConfig.Mode.values()).map(m -> new Row(i + 1, m, c[0],
                c[1], c[2], expectFor(c[3], m), c[4].equals("yes"), c[5]));
          }).flatMap(x -> x).toList().stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void flow(Row row) {
    Simulation sim = sim(row.mode);
    Endpoints.From from = Endpoints.parseFrom(row.from,
        row.enter.isEmpty() ? null : "node/" + row.enter);
    Endpoints.To to = Endpoints.parseTo(row.to);
    if (row.expect.equals("error")) {
      assertThatThrownBy(() -> sim.trace(from, to, 0)).isInstanceOf(
          IllegalArgumentException.class);
      return;
    }
    boolean masqHere = row.expect.endsWith("+masq");
    String expect = row.expect.replace("+masq", "");
    boolean masq = row.masq || masqHere;
    String seenKind = masqHere ? "node" : row.seen;
    Set<String> served = new TreeSet<>();
    for (long seed = 0; seed < SEEDS; seed++) {
      Trace t = sim.trace(from, to, seed, true);
      if (expect.equals("REJECTED") || expect.equals("DROPPED")) {
        assertThat(t.verdict()).as(t.reason()).isEqualTo(Verdict.valueOf(expect));
        assertThat(t.reason()).isNotBlank();
        return;
      }
      assertThat(t.verdict()).as("%s: %s", t.verdict(), t.reason()).isEqualTo(
          Verdict.DELIVERED);
      served.add(servedBy(t));
      assertThat(t.masqueraded()).as("masqueraded").isEqualTo(masq);
      Ip seen = Ip.parse(t.sourceSeen().substring(0, t.sourceSeen().indexOf(':')));
      Packet sent = firstSent(t);
      if (seenKind.equals("client")) {
        assertThat(seen).as("source seen").isEqualTo(sent.src());
      } else {
        assertThat(nodeAddresses(sim)).as("source seen %s is a node address", seen).contains(seen);
      }
      if (!t.candidates().isEmpty()) {
        assertThat(t.candidates().stream().mapToDouble(Trace.Candidate::probability).sum())
            .isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
        Set<String> owners = t.candidates().stream().map(c -> owner(c.endpoint()))
            .collect(Collectors.toCollection(TreeSet::new));
        assertThat(owners).as("candidates").isEqualTo(expected(expect));
      }
      assertThat(t.reply()).as("reply").isNotNull();
      assertThat(t.reply().verdict()).as("reply: %s", t.reply().reason())
          .isEqualTo(Verdict.DELIVERED);
      assertThat(t.reply().sourceSeen()).as("the reply comes from what the client dialled")
          .isEqualTo(sent.dst() + ":" + sent.dport());
    }
    assertThat(served).isEqualTo(expected(expect));
  }

  private record Packet(Ip src, Ip dst, int dport) {}

  private static Packet firstSent(Trace t) {
    io.kubewalk.sim.net.Packet s = t.sent();
    return new Packet(s.src(), s.dst(), s.dport());
  }

  private static Set<String> expected(String expect) {
    return Arrays.stream(expect.split(",")).collect(Collectors.toCollection(TreeSet::new));
  }

  /** The short name of whoever served: a default-namespace pod, "coredns", or node:NAME. */
  private static String servedBy(Trace t) {
    if (t.deliveredTo().kind().equals("node")) {
      return "node:" + t.deliveredTo().name();
    }
    return shortName(t.deliveredTo().name());
  }

  private static String owner(String endpoint) {
    Ip ip = Ip.parse(endpoint.substring(0, endpoint.indexOf(':')));
    return BASE.cluster().podWithIp(ip).filter(p -> !p.hostNetwork()).map(Pod::key)
        .map(PacketFlowTableTest::shortName)
        .orElseGet(() -> "node:" + BASE.cluster().nodeWithIp(ip).orElseThrow().name());
  }

  private static String shortName(String key) {
    return key.startsWith("kube-system/coredns") ? "coredns" : key.replace("default/", "");
  }

  private static Set<Ip> nodeAddresses(Simulation sim) {
    Set<Ip> out = new java.util.HashSet<>();
    for (NetNamespace ns : sim.dataplane().nodes().values()) {
      ns.links().forEach(l -> l.addresses().forEach(a -> out.add(a.ip())));
    }
    return out;
  }
}
