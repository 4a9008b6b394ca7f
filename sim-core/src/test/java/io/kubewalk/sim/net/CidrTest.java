package io.kubewalk.sim.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CidrTest {

  @Test
  void parsesAndPrintsSymmetrically() {
    assertThat(Cidr.parse("10.244.0.0/16")).hasToString("10.244.0.0/16");
    assertThat(Cidr.parse("10.244.0.0/16").subnet(24, 1)).hasToString("10.244.1.0/24");
    assertThat(Cidr.parseInterface("172.17.0.1/24").broadcast()).hasToString("172.17.0.255");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/24", "1.2.3.*/24", "1.2.3.0-255/24", "10.0.0.1/8", "10.0.0.0/33",
      "10.0.0.0", "", "::1/128"})
  void refusesWhatIsNotAnIpv4Cidr(String text) {
    assertThatThrownBy(() -> Cidr.parse(text)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(text.isEmpty() ? "''" : text);
  }
}
