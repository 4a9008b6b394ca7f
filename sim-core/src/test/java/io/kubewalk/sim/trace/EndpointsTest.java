package io.kubewalk.sim.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubewalk.sim.net.Ip;
import io.kubewalk.sim.net.Protocol;
import io.kubewalk.sim.trace.Endpoints.From;
import io.kubewalk.sim.trace.Endpoints.To;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class EndpointsTest {

  @Test
  void parsesEveryFromForm() {
    assertThat(Endpoints.parseFrom("pod/default/client", null))
        .isEqualTo(new From.PodRef("default", "client"));
    assertThat(Endpoints.parseFrom("node/node01", null)).isEqualTo(new From.NodeRef("node01"));
    assertThat(Endpoints.parseFrom("external/laptop", null))
        .isEqualTo(new From.ExternalRef("laptop"));
    assertThat(Endpoints.parseFrom("ip/203.0.113.7", "node/node01"))
        .isEqualTo(new From.IpRef(Ip.parse("203.0.113.7"), "node01"));
  }

  @Test
  void parsesEveryToForm() {
    assertThat(Endpoints.parseTo("10.96.0.1:443/tcp"))
        .isEqualTo(new To.Address(Ip.parse("10.96.0.1"), 443, Protocol.TCP));
    assertThat(Endpoints.parseTo("10.96.0.10:53/udp").proto()).isEqualTo(Protocol.UDP);
    assertThat(Endpoints.parseTo("svc/default/web:http"))
        .isEqualTo(new To.ServiceRef("default", "web", "http", Protocol.TCP));
    assertThat(Endpoints.parseTo("pod/default/web:80/tcp"))
        .isEqualTo(new To.PodRef("default", "web", 80, Protocol.TCP));
    assertThat(Endpoints.parseTo("web.default.svc.cluster.local:80/tcp"))
        .isEqualTo(new To.DnsName("web.default.svc.cluster.local", 80, Protocol.TCP));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "pod/client|cannot read 'pod/client' (expected pod/NAMESPACE/NAME)",
      "host/x|cannot read 'host/x' (expected pod/NS/NAME, node/NAME, external/NAME or ip/ADDR)",
      "ip/300.1.1.1|'ip/300.1.1.1': '300.1.1.1' is not an IPv4 address",
      "ip/10.0.0.1|--from ip/10.0.0.1 needs --enter node/NAME (the node whose eth0 the packet"
          + " arrives on)"})
  void rejectsBadFromWithTheExpectedForm(String text, String message) {
    assertThatThrownBy(() -> Endpoints.parseFrom(text, null)).hasMessage(message);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "10.96.0.1:99999/tcp|port 99999 in '10.96.0.1:99999/tcp' is outside 1-65535",
      "10.96.0.1:80/icmp|unknown protocol 'icmp' (expected TCP, UDP or SCTP)",
      "10.96.0.1|cannot read '10.96.0.1' (expected IP:PORT/PROTO, svc/NS/NAME:PORT,"
          + " pod/NS/NAME:PORT or NAME:PORT/PROTO)",
      "10.96.0:80|'10.96.0:80': '10.96.0' is not an IPv4 address"})
  void rejectsBadToWithTheExpectedForm(String text, String message) {
    assertThatThrownBy(() -> Endpoints.parseTo(text)).hasMessage(message);
  }
}
