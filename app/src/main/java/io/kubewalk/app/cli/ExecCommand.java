package io.kubewalk.app.cli;

import io.kubewalk.sim.Simulation;
import io.kubewalk.sim.shell.Shell;
import io.kubewalk.sim.trace.Endpoints;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code kubewalk exec -s S [--from F --to T [--reply]] NODE|pod/NS/NAME -- ip route}; with a
 * trace, {@code conntrack -L} shows the entries it left.
 */
@Command(name = "exec", mixinStandardHelpOptions = true,
    description = {"Run an emulated command on a node or in a pod's network namespace.",
        "Supported: " + Shell.NODE_COMMANDS})
final class ExecCommand implements Callable<Integer> {

  @Spec CommandSpec spec;
  @Mixin ScenarioOptions scenario;
  @Mixin ProxyModeOption proxyMode;

  @Parameters(index = "0", paramLabel = "TARGET", description = "A node name or pod/NS/NAME.")
  String target;

  @Parameters(index = "1..*", arity = "1..*", paramLabel = "COMMAND",
      description = "The command (after --).")
  List<String> command;

  @Option(names = "--from", paramLabel = "F",
      description = "Trace a connection first (as kubewalk trace --from), so that conntrack -L"
          + " shows its entries.")
  String from;

  @Option(names = "--enter", paramLabel = "node/NAME", description = "With --from ip/ADDR.")
  String enter;

  @Option(names = "--to", paramLabel = "T", description = "The traced connection's target.")
  String to;

  @Option(names = "--reply", description = "Trace the connection's reply too.")
  boolean reply;

  @Option(names = "--seed", defaultValue = "0", description = "Seed of the trace.")
  long seed;

  @Override
  public Integer call() {
    if ((from == null) != (to == null)) {
      throw new KubewalkCommand.UserError("--from and --to go together (the connection to"
          + " trace before running the command)");
    }
    Simulation sim = proxyMode.apply(scenario.load());
    Shell.Result r;
    if (from != null) {
      try {
        r = sim.exec(sim.trace(Endpoints.parseFrom(from, enter), Endpoints.parseTo(to), seed,
            reply), target, command);
      } catch (IllegalArgumentException e) {
        throw new KubewalkCommand.UserError(e.getMessage());
      }
    } else {
      r = sim.exec(target, command);
    }
    spec.commandLine().getOut().print(r.out());
    spec.commandLine().getOut().flush();
    spec.commandLine().getErr().print(r.err());
    spec.commandLine().getErr().flush();
    return r.exitCode();
  }
}
