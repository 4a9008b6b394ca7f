package io.kubewalk.app.gui;

import io.kubewalk.sim.Kubewalk;
import io.kubewalk.sim.Simulation;
import io.kubewalk.sim.scenario.LessonInfo;
import io.kubewalk.sim.scenario.ScenarioException;
import java.util.List;

/**
 * The view model of the lesson browser: which lessons exist and, for the one selected, its
 * narrative and what {@code kubectl} shows of its cluster. No JavaFX types, so it is tested
 * without a toolkit; the view calls {@link #open} off the FX thread.
 */
public final class LessonBrowserModel {

  /** What the view shows for one scenario. */
  public record Page(String name, String title, String narrative, String overview,
      Simulation simulation, List<String> problems) {
    public Page {
      problems = List.copyOf(problems);
    }

    /** Whether the scenario loaded. */
    public boolean ok() {
      return simulation != null;
    }
  }

  public List<LessonInfo> lessons() {
    return Kubewalk.lessons();
  }

  /** Loads a lesson or file; a bad scenario becomes a page listing its located problems. */
  public Page open(String scenario) {
    try {
      Simulation sim = Kubewalk.resolve(List.of(scenario));
      var c = sim.cluster();
      String overview = "$ kubectl get nodes -o wide\n" + sim.kubectl("get", "nodes", "-o",
          "wide").out() + "\n$ kubectl get pods -A -o wide\n"
          + sim.kubectl("get", "pods", "-A", "-o", "wide").out()
          + "\n$ kubectl get svc -A\n" + sim.kubectl("get", "svc", "-A").out();
      return new Page(c.name(), c.title() == null ? c.name() : c.title(),
          c.narrative() == null ? "" : c.narrative().strip(), overview, sim, List.of());
    } catch (ScenarioException e) {
      List<String> problems = e.problems().isEmpty() ? List.of(String.valueOf(e.getMessage()))
          : e.problems().stream().map(Object::toString).toList();
      return new Page(scenario, "Cannot load " + scenario, String.join("\n", problems), "", null,
          problems);
    } catch (RuntimeException e) {
      String m = String.valueOf(e.getMessage());
      return new Page(scenario, "Cannot load " + scenario, m, "", null, List.of(m));
    }
  }
}
