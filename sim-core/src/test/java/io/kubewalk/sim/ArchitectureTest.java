package io.kubewalk.sim;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The package arrows of DESIGN.md, enforced. */
class ArchitectureTest {

  private static JavaClasses core;

  @BeforeAll
  static void importCore() {
    core = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("io.kubewalk.sim");
  }

  @Test
  void coreNeverPrintsOrExits() {
    noClasses().should().accessField(System.class, "out")
        .orShould().accessField(System.class, "err")
        .orShould().callMethod(System.class, "exit", int.class)
        .because("sim-core is a library; the CLI and the app decide what to print")
        .check(core);
  }

  @Test
  void onlyTheScenarioPackageReadsYaml() {
    noClasses().that().resideOutsideOfPackage("io.kubewalk.sim.scenario..")
        .should().dependOnClassesThat().resideInAPackage("org.snakeyaml..")
        .because("YAML is an input format; the model must not depend on it")
        .check(core);
  }

  @Test
  void theNetworkModelKnowsNothingOfKubernetes() {
    noClasses().that().resideInAPackage("io.kubewalk.sim.net..")
        .should().dependOnClassesThat().resideInAnyPackage("io.kubewalk.sim.api..",
            "io.kubewalk.sim.control..", "io.kubewalk.sim.scenario..", "io.kubewalk.sim.proxy..",
            "io.kubewalk.sim.cni..", "io.kubewalk.sim.trace..")
        .because("net models one Linux network stack; Kubernetes lives above it")
        .check(core);
  }

  @Test
  void lowerLayersDoNotReachUp() {
    noClasses().that().resideInAnyPackage("io.kubewalk.sim.api..", "io.kubewalk.sim.net..")
        .should().dependOnClassesThat().resideInAnyPackage("io.kubewalk.sim.control..",
            "io.kubewalk.sim.trace..", "io.kubewalk.sim.shell..", "io.kubewalk.sim.graph..",
            "io.kubewalk.sim.export..")
        .check(core);
    noClasses().that().resideInAPackage("io.kubewalk.sim.control..")
        .should().dependOnClassesThat().resideInAnyPackage("io.kubewalk.sim.trace..",
            "io.kubewalk.sim.shell..", "io.kubewalk.sim.cni..", "io.kubewalk.sim.proxy..")
        .check(core);
  }

  @Test
  void noRandomnessOutsideInjectedGenerators() {
    noClasses().should().callConstructor(java.util.Random.class)
        .because("traces must be reproducible: inject a seeded generator")
        .check(core);
  }
}
