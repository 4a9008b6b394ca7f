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
}
