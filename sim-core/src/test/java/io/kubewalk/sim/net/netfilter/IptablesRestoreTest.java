package io.kubewalk.sim.net.netfilter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IptablesRestoreTest {

  /** Captured from iptables-save v1.8.9 (nf_tables) after restoring upstream's overall rules. */
  static String realSave() throws IOException {
    return resource("real-iptables-save-1.8.9.txt");
  }

  static String resource(String name) throws IOException {
    try (InputStream in = IptablesRestoreTest.class.getResourceAsStream(name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void realIptablesSaveOutputRoundTripsByteForByte() throws IOException {
    NetfilterTables t = IptablesRestore.parse(realSave());
    String rendered = IptablesSave.render(t, null, LocalDateTime.of(2026, 11, 25, 7, 0, 20));
    assertThat(rendered).isEqualTo(realSave());
    assertThat(IptablesRestore.parse(rendered)).isEqualTo(t);
  }

  @Test
  void singleTableRenderingKeepsOnlyThatTable() throws IOException {
    NetfilterTables t = IptablesRestore.parse(realSave());
    String nat = IptablesSave.render(t, Table.NAT, null);
    assertThat(nat).startsWith("*nat\n:PREROUTING ACCEPT [0:0]\n").endsWith("COMMIT\n")
        .doesNotContain("*filter");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      -A KUBE-SERVICES -m comment --comment "ns1/svc1:p80 cluster IP" -m tcp -p tcp -d 172.30.0.41 --dport 80 -j KUBE-SVC-XPGD46QRK7WJZT7O | -A KUBE-SERVICES -d 172.30.0.41/32 -p tcp -m comment --comment "ns1/svc1:p80 cluster IP" -m tcp --dport 80 -j KUBE-SVC-XPGD46QRK7WJZT7O
      -A KUBE-SEP-X -m comment --comment ns5/svc5:p80 -m recent --name KUBE-SEP-X --set -m tcp -p tcp -j DNAT --to-destination 10.180.0.3:80 | -A KUBE-SEP-X -p tcp -m comment --comment "ns5/svc5:p80" -m recent --set --name KUBE-SEP-X --mask 255.255.255.255 --rsource -m tcp -j DNAT --to-destination 10.180.0.3:80
      -A KUBE-SVC-X -m comment --comment "a -> b" -m recent --name KUBE-SEP-X --rcheck --seconds 10800 --reap -j KUBE-SEP-X | -A KUBE-SVC-X -m comment --comment "a -> b" -m recent --rcheck --seconds 10800 --reap --name KUBE-SEP-X --mask 255.255.255.255 --rsource -j KUBE-SEP-X
      -A KUBE-SVC-X -m statistic --mode random --probability 0.3333333333 -j KUBE-SEP-Y | -A KUBE-SVC-X -m statistic --mode random --probability 0.33333333349 -j KUBE-SEP-Y
      -A KUBE-MARK-MASQ -j MARK --or-mark 0x00004000 | -A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000
      -A KUBE-POSTROUTING -j MARK --xor-mark 0x4000 | -A KUBE-POSTROUTING -j MARK --set-xmark 0x4000/0x0
      -A X -j MARK --set-mark 0x10 | -A X -j MARK --set-xmark 0x10/0xffffffff
      -A X -j MARK --and-mark 0xc | -A X -j MARK --set-xmark 0x0/0xfffffff3
      -A KUBE-FIREWALL -m comment --comment "block incoming localnet connections" -d 127.0.0.0/8 ! -s 127.0.0.0/8 -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP | -A KUBE-FIREWALL ! -s 127.0.0.0/8 -d 127.0.0.0/8 -m comment --comment "block incoming localnet connections" -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP
      -A X -p udp --dport 53 -j REJECT | -A X -p udp -m udp --dport 53 -j REJECT --reject-with icmp-port-unreachable
      -A FORWARD -i cni0 ! -o eth+ -p udp -m multiport --dports 53,54 -j REJECT | -A FORWARD -i cni0 ! -o eth+ -p udp -m multiport --dports 53,54 -j REJECT --reject-with icmp-port-unreachable
      -A X -p tcp -m tcp ! --dport 22 --sport 1000:2000 -m mark ! --mark 0x1 -j ACCEPT | -A X -p tcp -m tcp --sport 1000:2000 ! --dport 22 -m mark ! --mark 0x1 -j ACCEPT
      -A X -m addrtype --dst-type LOCAL --limit-iface-in -m physdev --physdev-is-in -g Y | -A X -m addrtype --dst-type LOCAL --limit-iface-in -m physdev --physdev-is-in -g Y
      -A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully | -A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully
      -A X -m nfacct --nfacct-name localhost_nps_accepted_pkts -j SNAT --to-source 1.2.3.4 --random-fully | -A X -m nfacct --nfacct-name  localhost_nps_accepted_pkts -j SNAT --to-source 1.2.3.4 --random-fully
      -A KUBE-FW-X -m comment --comment "other traffic to ns5/svc5:p80 will be dropped by KUBE-PROXY-FIREWALL" | -A KUBE-FW-X -m comment --comment "other traffic to ns5/svc5:p80 will be dropped by KUBE-PROXY-FIREWALL"
      """)
  void kubeProxyFormParsesToTheCanonicalIptablesSaveForm(String written, String saved) {
    Rule r = IptablesRestore.parseRule(written);
    assertThat(r.toString()).isEqualTo(saved);
    assertThat(IptablesRestore.parseRule(saved)).isEqualTo(r);
  }

  @Test
  void restoreRefusesJumpsToMissingChains() {
    assertThatThrownBy(() -> IptablesRestore.parse("*nat\n:X - [0:0]\n-A X -j NOPE\nCOMMIT\n"))
        .hasMessageContaining("NOPE");
  }

  @Test
  void restoreRefusesUnknownMatches() {
    assertThatThrownBy(() -> IptablesRestore.parseRule("-A X -m bogus --foo 1 -j ACCEPT"))
        .hasMessageContaining("bogus");
  }

  @Test
  void noflushRestoreFlushesOnlyDeclaredChainsAndDeletes() {
    NetfilterTables.Builder b = IptablesRestore.parse(
        "*nat\n:A - [0:0]\n:B - [0:0]\n-A A -j ACCEPT\n-A B -j ACCEPT\nCOMMIT\n").toBuilder();
    IptablesRestore.apply(b, "*nat\n:A - [0:0]\n:C - [0:0]\n-A C -j DROP\n-X A\nCOMMIT\n", true);
    NetfilterTables t = b.build();
    assertThat(t.chain(Table.NAT, "A")).isNull();
    assertThat(t.chain(Table.NAT, "B").rules()).hasSize(1);
    assertThat(t.chain(Table.NAT, "C").rules()).hasSize(1);
  }

  @Test
  void ctimeLayoutPadsTheDay() {
    assertThat(IptablesSave.ctime(LocalDateTime.of(2026, 3, 5, 9, 4, 1)))
        .isEqualTo("Thu Mar  5 09:04:01 2026");
  }
}
