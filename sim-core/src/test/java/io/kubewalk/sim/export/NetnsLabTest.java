package io.kubewalk.sim.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubewalk.sim.Kubewalk;
import io.kubewalk.sim.Simulation;
import io.kubewalk.sim.api.ProxyConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NetnsLabTest {

  @Test
  void clusteripScriptBuildsEveryNamespaceWithThePrefix() {
    String s = NetnsLab.script(Kubewalk.lesson("clusterip"));
    assertThat(s).startsWith("#!/usr/bin/env bash\n# kubewalk lab: clusterip")
        .contains("set -Eeuo pipefail", "P=\"${KW_LAB_PREFIX:-kw-}\"",
            "NAMESPACES=( \"${P}laptop\" \"${P}underlay\" \"${P}controlplane\" \"${P}node01\"",
            "\"${P}node01-web-1\"", "\"${P}node01-client\"",
            "ip -n \"${P}underlay\" link add node01-eth0 type veth peer name eth0 netns"
                + " \"${P}node01\"",
            "type vxlan id 1 local 192.168.56.11 dev eth0 dstport 8472 nolearning",
            "type bridge_slave hairpin on", "rules \"${P}node01\" <<'RULES'",
            "-A KUBE-SERVICES -d 10.96.0.80/32", "python3 -c \"$SERVER\" \"${P}underlay\"",
            "    \"${P}node01-web-1\" web-1 80",
            "ip -n \"${P}laptop\" addr add 192.168.56.1/24 dev eth0",
            "ip -n \"${P}laptop\" addr add 203.0.113.7/32 dev eth0",
            "try:  ip netns exec ${P}node01-client curl -s 10.96.0.80\"");
    // every `ip` command names a namespace of the lab: nothing runs in the caller's namespace
    assertThat(s.lines().map(String::strip)
        .filter(l -> l.startsWith("ip ") || l.startsWith("bridge ")))
        .allSatisfy(l -> assertThat(l).containsPattern("^(ip|bridge) (-n \"\\$\\{P\\}|netns"
            + " (exec|add|del|pids|list) )"));
  }

  @Test
  void everyLessonEitherRendersOrSaysWhyNot() {
    for (var info : Kubewalk.lessons()) {
      Simulation sim = Kubewalk.lesson(info.name());
      try {
        String s = NetnsLab.script(sim);
        assertThat(s).as(info.name()).contains("up() {", "down() {");
        // the kernel's IFNAMSIZ: interface names have at most 15 characters
        Matcher m = Pattern.compile("(?:link add|peer name) (\\S+)").matcher(s);
        int links = 0;
        while (m.find()) {
          links++;
          assertThat(m.group(1)).as(info.name()).hasSizeLessThanOrEqualTo(15);
        }
        assertThat(links).as(info.name()).isPositive();
      } catch (IllegalArgumentException e) {
        assertThat(e.getMessage()).as(info.name()).startsWith("the netns lab cannot");
      }
    }
  }

  @Test
  void weavesOverlayPortFloodsToItsPeersWithAnMtuLinuxAccepts() {
    String s = NetnsLab.script(Kubewalk.lesson("kubeadm-weave"));
    assertThat(s).contains("link add vxlan-6784 type vxlan id 0 local ",
        "fdb append 00:00:00:00:00:00 dev vxlan-6784 dst ", "link set vxlan-6784 master weave")
        .contains("link set vxlan-6784 address ").doesNotContain("mtu 65535");
  }

  @Test
  void ipvsModeIsRefusedWithAReason() {
    Simulation sim = Kubewalk.lesson("clusterip").withProxyMode(ProxyConfig.Mode.ipvs);
    assertThatThrownBy(() -> NetnsLab.script(sim)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("IPVS");
  }

  @Test
  void scriptsAreValidBash(@TempDir Path dir) throws Exception {
    for (String lesson : new String[] {"clusterip", "externaltrafficpolicy-local",
        "nodeport-vs-clusterip"}) {
      Path f = dir.resolve(lesson + ".sh");
      Files.writeString(f, NetnsLab.script(Kubewalk.lesson(lesson)));
      Process p = new ProcessBuilder("bash", "-n", f.toString()).redirectErrorStream(true)
          .start();
      String out = new String(p.getInputStream().readAllBytes());
      assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).as(lesson + ": " + out).isZero();
    }
  }
}
