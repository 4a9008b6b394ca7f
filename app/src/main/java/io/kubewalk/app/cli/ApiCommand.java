package io.kubewalk.app.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.kubewalk.sim.control.ApiTimeline.ApiCall;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code kubewalk api -s S [--json]}: the hub-and-spoke control-plane timeline. */
@Command(name = "api", mixinStandardHelpOptions = true,
    description = "Show who dials whom when the scenario is applied: every component talks to"
        + " the kube-apiserver on 6443; only the apiserver talks to etcd.")
final class ApiCommand implements Callable<Integer> {

  @Spec CommandSpec spec;
  @Mixin ScenarioOptions scenario;

  @Option(names = "--json", description = "Print the calls as JSON.")
  boolean json;

  @Override
  public Integer call() throws JsonProcessingException {
    List<ApiCall> calls = scenario.load().apiTimeline();
    var out = spec.commandLine().getOut();
    if (json) {
      out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
          .writeValueAsString(Map.of("calls", calls)));
    } else {
      for (ApiCall c : calls) {
        out.printf(Locale.ROOT, "%3d  %-32s -> %-28s :%-5d %-6s %s%n", c.seq(), c.from(), c.to(),
            c.port(), c.verb(), c.resource());
        out.printf(Locale.ROOT, "     %s; %s%n", c.protocol(), c.credential());
        out.printf(Locale.ROOT, "     %s%n", c.note());
      }
    }
    out.flush();
    return 0;
  }
}
