package io.kubewalk.app.cli;

import io.kubewalk.sim.shell.Shell;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code kubewalk exec -s S NODE|pod/NS/NAME -- ip route}. */
@Command(name = "exec", mixinStandardHelpOptions = true,
    description = {"Run an emulated command on a node or in a pod's network namespace.",
        "Supported: " + Shell.NODE_COMMANDS})
final class ExecCommand implements Callable<Integer> {

  @Spec CommandSpec spec;
  @Mixin ScenarioOptions scenario;

  @Parameters(index = "0", paramLabel = "TARGET", description = "A node name or pod/NS/NAME.")
  String target;

  @Parameters(index = "1..*", arity = "1..*", paramLabel = "COMMAND",
      description = "The command (after --).")
  List<String> command;

  @Override
  public Integer call() {
    Shell.Result r = scenario.load().exec(target, command);
    spec.commandLine().getOut().print(r.out());
    spec.commandLine().getOut().flush();
    spec.commandLine().getErr().print(r.err());
    spec.commandLine().getErr().flush();
    return r.exitCode();
  }
}
