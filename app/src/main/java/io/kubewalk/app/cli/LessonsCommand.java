package io.kubewalk.app.cli;

import io.kubewalk.sim.Kubewalk;
import io.kubewalk.sim.scenario.LessonInfo;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code kubewalk lessons}: the built-in lessons, name and title. */
@Command(name = "lessons", mixinStandardHelpOptions = true,
    description = "List the built-in lessons (name, title).")
final class LessonsCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    int w = Kubewalk.lessons().stream().mapToInt(l -> l.name().length()).max().orElse(4) + 3;
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(java.util.Locale.ROOT, "%-" + w + "s%s%n", "NAME", "TITLE"));
    for (LessonInfo l : Kubewalk.lessons()) {
      sb.append(String.format(java.util.Locale.ROOT, "%-" + w + "s%s%n", l.name(), l.title()));
    }
    spec.commandLine().getOut().print(sb);
    spec.commandLine().getOut().flush();
    return 0;
  }
}
