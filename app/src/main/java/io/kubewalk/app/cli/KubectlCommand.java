package io.kubewalk.app.cli;

import io.kubewalk.sim.shell.kubectl.Kubectl;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code kubewalk kubectl -s S -- get pods -A -o wide}. */
@Command(name = "kubectl", mixinStandardHelpOptions = true,
    description = {"Run an emulated kubectl against the scenario's cluster.",
        "  get nodes|pods|svc|endpoints|endpointslices|namespaces [NAME] [-o wide] [-n NS|-A]",
        "  get pod NAME -o yaml",
        "  describe pod|svc NAME [-n NS]",
        "  cluster-info",
        "  get --raw /api"})
final class KubectlCommand implements Callable<Integer> {

  @Spec CommandSpec spec;
  @Mixin ScenarioOptions scenario;

  @Parameters(paramLabel = "ARGS", arity = "1..*", description = "kubectl arguments (after --).")
  List<String> args;

  @Override
  public Integer call() {
    Kubectl.Result r = scenario.load().kubectl(args);
    spec.commandLine().getOut().print(r.out());
    spec.commandLine().getOut().flush();
    spec.commandLine().getErr().print(r.err());
    spec.commandLine().getErr().flush();
    return r.exitCode();
  }
}
