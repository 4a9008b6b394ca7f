package io.kubewalk.sim;

import io.kubewalk.sim.control.Cluster;
import io.kubewalk.sim.control.ControlPlane;
import io.kubewalk.sim.scenario.LessonInfo;
import io.kubewalk.sim.scenario.Lessons;
import io.kubewalk.sim.scenario.ScenarioException;
import io.kubewalk.sim.scenario.Scenario;
import io.kubewalk.sim.scenario.ScenarioLoader;
import io.kubewalk.sim.scenario.ScenarioSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The entry point for headless use: load a built-in lesson, files or YAML text into an immutable
 * {@link Simulation}.
 *
 * <pre>{@code
 * Simulation sim = Kubewalk.lesson("kubeadm-flannel");
 * sim.cluster().service("default", "kubernetes").orElseThrow().clusterIp();  // 10.96.0.1
 * }</pre>
 *
 * Every method throws {@link ScenarioException} (with every problem, located) for bad input.
 */
public final class Kubewalk {

  private Kubewalk() {}

  /** The built-in lessons, in order. */
  public static List<LessonInfo> lessons() {
    return Lessons.list();
  }

  public static Simulation lesson(String name) {
    return load(List.of(ScenarioSource.lesson(name)));
  }

  public static Simulation load(Path... files) {
    List<ScenarioSource> sources = new ArrayList<>();
    for (Path f : files) {
      sources.add(ScenarioSource.file(f));
    }
    return load(sources);
  }

  /** YAML text (one or more documents), named {@code name} in error messages. */
  public static Simulation fromYaml(String name, String yaml) {
    return load(List.of(new ScenarioSource(name, yaml)));
  }

  /**
   * Each argument is a file path or a built-in lesson name, as the CLI's {@code --scenario}
   * takes them: an existing file wins over a lesson of the same name.
   */
  public static Simulation resolve(List<String> scenarioArgs) {
    List<ScenarioSource> sources = new ArrayList<>();
    for (String s : scenarioArgs) {
      Path p = Path.of(s);
      sources.add(Files.exists(p) || !Lessons.exists(s) ? ScenarioSource.file(p)
          : ScenarioSource.lesson(s));
    }
    return load(sources);
  }

  public static Simulation load(List<ScenarioSource> sources) {
    Scenario scenario = ScenarioLoader.load(sources);
    return new Simulation(ControlPlane.reconcile(scenario), scenario.expectations());
  }

  /**
   * Loads and reconciles files into the {@link Cluster} the control plane leaves behind, without
   * building the dataplane (network namespaces, routes, rules) a {@link Simulation} holds: what
   * {@code kubectl get} sees. Much cheaper for large scenarios.
   */
  public static Cluster loadCluster(Path... files) {
    List<ScenarioSource> sources = new ArrayList<>();
    for (Path f : files) {
      sources.add(ScenarioSource.file(f));
    }
    return loadCluster(sources);
  }

  /** The network model and kube-proxy's rules for an already reconciled cluster. */
  public static Simulation simulate(Cluster cluster) {
    return new Simulation(cluster, List.of());
  }

  public static Cluster loadCluster(List<ScenarioSource> sources) {
    return ControlPlane.reconcile(ScenarioLoader.load(sources));
  }
}
