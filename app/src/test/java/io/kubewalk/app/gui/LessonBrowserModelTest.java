package io.kubewalk.app.gui;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LessonBrowserModelTest {

  private final LessonBrowserModel model = new LessonBrowserModel();

  @Test
  void opensALessonWithItsNarrativeAndClusterOverview() {
    LessonBrowserModel.Page p = model.open("kubeadm-flannel");
    assertThat(p.title()).contains("flannel");
    assertThat(p.narrative()).contains("172.17.0.0/16");
    assertThat(p.overview()).contains("$ kubectl get pods -A -o wide", "kube-apiserver-controlplane",
        "10.96.0.10");
  }

  @Test
  void aBadScenarioBecomesAPageWithItsProblems() {
    LessonBrowserModel.Page p = model.open("/no/such/file.yaml");
    assertThat(p.title()).startsWith("Cannot load");
    assertThat(p.narrative()).contains("/no/such/file.yaml");
  }

  @Test
  void aBrokenScenarioFileListsItsLocatedProblems() throws Exception {
    java.nio.file.Path f = java.nio.file.Files.createTempFile("broken", ".yaml");
    java.nio.file.Files.writeString(f, "kind: Cluster\nnodes:\n  - name: [\n");
    LessonBrowserModel.Page p = model.open(f.toString());
    assertThat(p.ok()).isFalse();
    assertThat(p.problems()).isNotEmpty().allSatisfy(line ->
        assertThat(line).contains(f.getFileName().toString()).matches(".*:\\d+:\\d+: .*"));
  }
}
