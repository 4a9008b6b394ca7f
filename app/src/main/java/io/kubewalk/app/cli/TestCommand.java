package io.kubewalk.app.cli;

import io.kubewalk.sim.Kubewalk;
import io.kubewalk.sim.Simulation;
import io.kubewalk.sim.testkit.Expectations;
import io.kubewalk.sim.trace.TraceText;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code kubewalk test FILE|LESSON... [--junit FILE]}: checks each scenario's Expectations, one
 * PASS/FAIL line per flow, the trace of each failure, exit 1 when anything failed.
 */
@Command(name = "test", mixinStandardHelpOptions = true,
    description = "Check the flows a scenario's Expectations document promises.")
final class TestCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Parameters(arity = "1..*", paramLabel = "SCENARIO",
      description = "Scenario files or built-in lesson names, each checked on its own.")
  List<String> scenarios;

  @Option(names = "--junit", paramLabel = "FILE", description = "Also write a JUnit XML report.")
  Path junit;

  private record Suite(String name, List<Expectations.Result> results) {}

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    List<Suite> suites = new ArrayList<>();
    int passed = 0;
    int failed = 0;
    for (String s : scenarios) {
      Simulation sim = Kubewalk.resolve(List.of(s));
      if (sim.expectations().isEmpty()) {
        throw new KubewalkCommand.UserError(s + " has no Expectations document (see the"
            + " README's scenario tests)");
      }
      List<Expectations.Result> results = Expectations.check(sim);
      suites.add(new Suite(s, results));
      for (Expectations.Result r : results) {
        out.println((r.passed() ? "PASS  " : "FAIL  ") + s + ": " + r.expectation().name());
        if (r.passed()) {
          passed++;
          continue;
        }
        failed++;
        r.failures().forEach(f -> out.println("      " + f));
        if (r.trace() != null) {
          out.println("      trace (seed 0):");
          TraceText.render(r.trace()).lines().forEach(l -> out.println("        " + l));
        }
      }
    }
    out.println(passed + " passed, " + failed + " failed");
    out.flush();
    if (junit != null) {
      try {
        Files.writeString(junit, junitXml(suites), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new KubewalkCommand.UserError("cannot write " + junit + ": " + e.getMessage());
      }
    }
    return failed == 0 ? 0 : 1;
  }

  private static String junitXml(List<Suite> suites) {
    StringBuilder b = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n");
    for (Suite s : suites) {
      long failures = s.results().stream().filter(r -> !r.passed()).count();
      b.append(String.format(Locale.ROOT, "  <testsuite name=\"%s\" tests=\"%d\" failures=\"%d\">\n",
          xml(s.name()), s.results().size(), failures));
      for (Expectations.Result r : s.results()) {
        b.append("    <testcase classname=\"").append(xml(s.name())).append("\" name=\"")
            .append(xml(r.expectation().name())).append('"');
        if (r.passed()) {
          b.append("/>\n");
        } else {
          b.append(">\n      <failure message=\"").append(xml(r.failures().get(0)))
              .append("\">").append(xml(String.join("\n", r.failures())
                  + (r.trace() == null ? "" : "\n" + TraceText.render(r.trace()))))
              .append("</failure>\n    </testcase>\n");
        }
      }
      b.append("  </testsuite>\n");
    }
    return b.append("</testsuites>\n").toString();
  }

  private static String xml(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
