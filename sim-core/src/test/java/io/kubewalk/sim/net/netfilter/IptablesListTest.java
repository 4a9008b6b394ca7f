package io.kubewalk.sim.net.netfilter;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.junit.jupiter.api.Test;

/** -L -n -v output compared with what iptables v1.8.9 (nf_tables) printed for the same rules. */
class IptablesListTest {

  @Test
  void natTableListingMatchesRealIptables() throws IOException {
    NetfilterTables t = IptablesRestore.parse(IptablesRestoreTest.realSave());
    assertThat(IptablesList.render(t, Table.NAT, null, false))
        .isEqualTo(IptablesRestoreTest.resource("real-nat-L-nv.txt"));
  }

  @Test
  void filterTableListingMatchesRealIptables() throws IOException {
    NetfilterTables t = IptablesRestore.parse(IptablesRestoreTest.realSave());
    assertThat(IptablesList.render(t, Table.FILTER, null, false))
        .isEqualTo(IptablesRestoreTest.resource("real-filter-L-nv.txt"));
  }

  @Test
  void singleChainWithLineNumbersMatchesRealIptables() throws IOException {
    NetfilterTables t = IptablesRestore.parse(IptablesRestoreTest.realSave());
    assertThat(IptablesList.render(t, Table.NAT, "KUBE-SERVICES", true))
        .isEqualTo(IptablesRestoreTest.resource("real-nat-L-KUBE-SERVICES-nv-line-numbers.txt"));
  }
}
