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
}
