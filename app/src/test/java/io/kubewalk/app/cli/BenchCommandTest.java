package io.kubewalk.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** {@code kubewalk bench} on a tiny cluster: the report's shape, not its timings. */
class BenchCommandTest {

  @Test
  void aSmallBenchReportsEveryModeAndTheRulesEachEvaluates() throws Exception {
    CliTest.Run r = CliTest.run("bench", "--nodes", "4", "--pods-per-node", "6", "--services",
        "8", "--endpoints-per-service", "2", "--traces", "30", "--json");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.err()).contains("kubewalk bench: load and reconcile");
    JsonNode j = new ObjectMapper().readTree(r.out());
    assertThat(j.get("nodes").asInt()).isEqualTo(4);
    assertThat(j.get("iptablesSaveLines").asInt()).isGreaterThan(50);
    assertThat(j.get("modes")).hasSize(3);
    for (JsonNode m : j.get("modes")) {
      assertThat(m.get("traces").asInt()).isEqualTo(30);
      assertThat(m.get("meanRulesEvaluated").asDouble()).isPositive();
    }
  }

  @Test
  void impossibleShapesAreOneLineAndExitTwo() {
    CliTest.Run r = CliTest.run("bench", "--nodes", "0");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err().lines().count()).isEqualTo(1);
  }
}
