package io.kubewalk.app.cli;

import io.kubewalk.app.gui.GuiLauncher;
import io.kubewalk.sim.scenario.ScenarioException;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code kubewalk}: with no subcommand, opens the desktop app. */
@Command(
    name = "kubewalk",
    mixinStandardHelpOptions = true,
    versionProvider = KubewalkCommand.Version.class,
    description = "Step through how Kubernetes networking works: an embedded simulator of nodes,"
        + " pods, CNI plugins, kube-proxy and the control plane.%n"
        + "With no command, opens the desktop app.",
    subcommands = {LessonsCommand.class, TraceCommand.class, ExecCommand.class, ApiCommand.class, ExportCommand.class,
        KubectlCommand.class, GenerateCommand.class, TestCommand.class, BenchCommand.class})
public final class KubewalkCommand implements Callable<Integer> {

  /** Exit code for bad input (scenario problems, bad arguments). */
  public static final int EXIT_USAGE = 2;
  /** Exit code for an internal error (a bug in kubewalk). */
  public static final int EXIT_INTERNAL = 70;

  @Option(names = {"-s", "--scenario"}, paramLabel = "S",
      description = "Lesson name or scenario file to open in the app (default: kubeadm-flannel).")
  String scenario;

  @Override
  public Integer call() {
    return GuiLauncher.launch(scenario == null ? "kubeadm-flannel" : scenario);
  }

  /** Runs the CLI and returns the exit code; never throws and never prints a stack trace. */
  public static int execute(String[] args, PrintStream out, PrintStream err) {
    CommandLine cl = new CommandLine(new KubewalkCommand());
    PrintWriter o = new PrintWriter(new java.io.OutputStreamWriter(out,
        StandardCharsets.UTF_8), true);
    PrintWriter e = new PrintWriter(new java.io.OutputStreamWriter(err,
        StandardCharsets.UTF_8), true);
    cl.setOut(o);
    cl.setErr(e);
    cl.setParameterExceptionHandler((ex, a) -> {
      e.println("kubewalk: " + ex.getMessage());
      CommandLine c = ex.getCommandLine();
      e.println("Try '" + c.getCommandSpec().qualifiedName() + " --help' for more information.");
      return EXIT_USAGE;
    });
    cl.setExecutionExceptionHandler((ex, c, parsed) -> handle(ex, e));
    int code = cl.execute(args);
    o.flush();
    e.flush();
    return code;
  }

  static int handle(Exception ex, PrintWriter err) {
    if (ex instanceof ScenarioException se) {
      se.problems().forEach(p -> err.println(p));
      return EXIT_USAGE;
    }
    if (ex instanceof UserError ue) {
      err.println("kubewalk: " + ue.getMessage());
      return EXIT_USAGE;
    }
    Path report = null;
    try {
      report = Files.createTempFile("kubewalk-crash-", ".txt");
      StringWriter sw = new StringWriter();
      ex.printStackTrace(new PrintWriter(sw));
      Files.writeString(report, sw.toString());
    } catch (IOException io) {
      report = null;
    }
    err.println("kubewalk: internal error: " + ex
        + (report == null ? "" : " (full report written to " + report + ")"));
    return EXIT_INTERNAL;
  }

  /** A problem with what the user asked for, reported as one line with exit code 2. */
  public static final class UserError extends RuntimeException {
    public UserError(String message) {
      super(message);
    }
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = KubewalkCommand.class.getPackage().getImplementationVersion();
      return new String[] {"kubewalk " + (v == null ? "0.1.0-SNAPSHOT" : v)};
    }
  }
}
