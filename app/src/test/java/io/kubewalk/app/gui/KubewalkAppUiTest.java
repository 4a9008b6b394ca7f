package io.kubewalk.app.gui;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubewalk.sim.scenario.LessonInfo;
import java.util.concurrent.TimeUnit;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.TextArea;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/** Headless (Monocle) UI test: the window lists the lessons and shows the selected one. */
@ExtendWith(ApplicationExtension.class)
class KubewalkAppUiTest {

  @Start
  void start(Stage stage) throws Exception {
    new KubewalkApp().start(stage);
  }

  @Test
  void listsTheLessonsAndShowsTheSelectedCluster(FxRobot robot) throws Exception {
    ListView<LessonInfo> lessons = robot.lookup("#lessons").queryListView();
    assertThat(lessons.getItems()).extracting(LessonInfo::name)
        .contains("kubeadm-flannel", "kubeadm-weave", "nodeport-vs-clusterip");

    robot.interact(() -> lessons.getSelectionModel().select(
        lessons.getItems().stream().filter(l -> l.name().equals("nodeport-vs-clusterip"))
            .findFirst().orElseThrow()));
    TextArea overview = robot.lookup("#overview").query();
    WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS,
        () -> overview.getText().contains("web-nodeport"));
    Label title = robot.lookup("#title").query();
    assertThat(title.getText()).contains("NodePort vs ClusterIP");
    assertThat(overview.getText()).contains("80:30080/TCP");
    FxToolkit.cleanupStages();
  }

  @Test
  void tracesAndStepsThroughACrossNodeFlow(FxRobot robot) throws Exception {
    ListView<LessonInfo> lessons = robot.lookup("#lessons").queryListView();
    robot.interact(() -> lessons.getSelectionModel().select(
        lessons.getItems().stream().filter(l -> l.name().equals("kubeadm-flannel"))
            .findFirst().orElseThrow()));
    TextArea overview = robot.lookup("#overview").query();
    WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS,
        () -> overview.getText().contains("172.17.0.4"));
    TracePane pane = robot.lookup("#tracePane").query();
    robot.interact(() -> {
      javafx.scene.control.TabPane tabs = robot.lookup("#tabs").query();
      tabs.getSelectionModel().select(1);
      javafx.scene.control.ComboBox<String> from = robot.lookup("#traceFrom").query();
      javafx.scene.control.ComboBox<String> to = robot.lookup("#traceTo").query();
      from.getSelectionModel().select("pod/default/client");
      to.getSelectionModel().select("pod/default/app:80/tcp");
      to.getEditor().setText("pod/default/app:80/tcp");
    });
    robot.clickOn("#traceButton");
    robot.clickOn("#stepForward").clickOn("#stepForward").clickOn("#stepForward");
    WaitForAsyncUtils.waitForFxEvents();
    TextArea inspector = robot.lookup("#inspector").query();
    assertThat(pane.model().index()).isEqualTo(3);
    assertThat(inspector.getText()).contains("Step 4 of", "BRIDGE", "cni0",
        "up to the host's IP stack");
    Label verdict = robot.lookup("#verdict").query();
    assertThat(verdict.getText()).isEqualTo("DELIVERED");
    FxToolkit.cleanupStages();
  }
}
