package io.kubewalk.app.cli;

import io.kubewalk.sim.Kubewalk;
import io.kubewalk.sim.Simulation;
import java.util.List;
import picocli.CommandLine.Option;

/** {@code -s/--scenario}, repeatable: a file path or a built-in lesson name. */
final class ScenarioOptions {

  @Option(names = {"-s", "--scenario"}, paramLabel = "S", required = true,
      description = "Scenario file or built-in lesson name (repeatable; see `kubewalk lessons`).")
  List<String> scenarios;

  Simulation load() {
    return Kubewalk.resolve(scenarios);
  }
}
