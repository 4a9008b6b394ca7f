package io.kubewalk.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubewalk.app.cli.CliTest.Run;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kubewalk trace ... --pcap FILE}: the capture beside the normal output. */
class TracePcapTest {

  @Test
  void pcapWritesAPcapngFileBesideTheNormalOutput(@TempDir Path dir) throws IOException {
    Path f = dir.resolve("trace.pcapng");
    Run r = CliTest.run("trace", "-s", "kubeadm-flannel", "--from", "pod/default/client",
        "--to", "pod/default/app:80/tcp", "--pcap", f.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("DELIVERED: pod default/app");
    byte[] pcap = Files.readAllBytes(f);
    assertThat(pcap.length).isGreaterThan(1000);
    ByteBuffer b = ByteBuffer.wrap(pcap).order(ByteOrder.LITTLE_ENDIAN);
    assertThat(b.getInt(0)).as("section header block").isEqualTo(0x0A0D0D0A);
    assertThat(b.getInt(8)).as("byte-order magic").isEqualTo(0x1A2B3C4D);
  }

  @Test
  void anUnwritablePcapPathIsOneLineAndExitTwo(@TempDir Path dir) {
    Path f = dir.resolve("no-such-dir").resolve("trace.pcapng");
    Run r = CliTest.run("trace", "-s", "kubeadm-flannel", "--from", "pod/default/client",
        "--to", "pod/default/app:80/tcp", "--pcap", f.toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).isEqualTo("kubewalk: cannot write pcap file " + f
        + ": no such directory\n");
  }

  @Test
  void exportPcapWritesTheTraceAndNeedsAFile(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    java.nio.file.Path f = dir.resolve("c.pcapng");
    CliTest.Run r = CliTest.run("export", "-s", "clusterip", "pcap", "--from",
        "pod/default/client", "--to", "svc/default/web:80", "--reply", "-o", f.toString());
    assertThat(r.code()).as(r.err()).isZero();
    byte[] b = java.nio.file.Files.readAllBytes(f);
    assertThat(b.length).isGreaterThan(1000);
    assertThat(b[0] & 0xff).isEqualTo(0x0a);
    CliTest.Run missing = CliTest.run("export", "-s", "clusterip", "pcap");
    assertThat(missing.code()).isEqualTo(2);
  }
}
