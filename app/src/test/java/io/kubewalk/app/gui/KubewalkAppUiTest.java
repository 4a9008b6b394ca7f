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
}
