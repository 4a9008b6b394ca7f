package io.kubewalk.sim.net.netfilter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.kubewalk.sim.proxy.iptables.IptablesProxierFixture;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Loads kubewalk's generated node ruleset into a real, throwaway network namespace with the real
 * iptables-restore, reads it back with iptables-save and compares it with the model. Skipped
 * (with the reason) when not root or when ip / iptables-restore / nfacct are missing.
 */
class RealIptablesRestoreTest {

  private static final String NS = "kw-ipt-test" + ProcessHandle.current().pid() % 1000;

  record Run(int code, String out) {}

  static Run run(String input, String... cmd) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    Process p = pb.start();
    if (input != null) {
      p.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
    }
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return new Run(-1, out);
    }
    return new Run(p.exitValue(), out);
  }

  static boolean exists(String tool) {
    for (String dir : List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin")) {
      if (Files.isExecutable(Path.of(dir, tool))) {
        return true;
      }
    }
    return false;
  }

  @Test
  void realIptablesRestoreAcceptsTheGeneratedNodeRuleset() throws Exception {
    assumeTrue("root".equals(System.getProperty("user.name")), "not root: cannot create netns");
    assumeTrue(exists("ip") && exists("iptables-restore") && exists("iptables-save")
        && exists("nfacct"), "ip, iptables-restore, iptables-save or nfacct missing");
    run(null, "ip", "netns", "del", NS);
    Run add = run(null, "ip", "netns", "add", NS);
    assumeTrue(add.code() == 0, "cannot create network namespace: " + add.out());
    try {
      for (String counter : List.of("ct_state_invalid_dropped_pkts",
          "localhost_nps_accepted_pkts")) {
        Run n = run(null, "ip", "netns", "exec", NS, "nfacct", "add", counter);
        assumeTrue(n.code() == 0, "nfacct not usable here: " + n.out());
      }
      NetfilterTables model = IptablesProxierFixture.overallNode();
      String text = IptablesSave.render(model, null, null);
      Run test = run(text, "ip", "netns", "exec", NS, "iptables-restore", "--test");
      assertThat(test.out()).isEmpty();
      assertThat(test.code()).isZero();
      Run restore = run(text, "ip", "netns", "exec", NS, "iptables-restore");
      assertThat(restore.code()).as(restore.out()).isZero();
      Run save = run(null, "ip", "netns", "exec", NS, "iptables-save");
      assertThat(save.code()).isZero();
      NetfilterTables back = IptablesRestore.parse(save.out());
      List<String> diffs = new ArrayList<>();
      for (Table t : model.tables()) {
        for (Chain c : model.chains(t)) {
          if (!c.equals(back.chain(t, c.name()))) {
            diffs.add(t.lower() + " " + c.name());
          }
        }
      }
      assertThat(diffs).isEmpty();
      assertThat(back).isEqualTo(model);
    } finally {
      run(null, "ip", "netns", "del", NS);
    }
  }
}
