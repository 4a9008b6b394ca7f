package io.kubewalk.app.gui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubewalk.sim.api.ProxyConfig;
import io.kubewalk.sim.scenario.LessonInfo;
import io.kubewalk.sim.trace.Step;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.ListCell;
import javafx.scene.control.TabPane;
import javafx.scene.control.TextField;
import javafx.scene.input.KeyCode;
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

  private KubewalkApp app;

  @Start
  void start(Stage stage) throws Exception {
    app = new KubewalkApp();
    app.start(stage);
  }

  private static void openLesson(FxRobot robot, String name, String marker) throws Exception {
    ListView<LessonInfo> lessons = robot.lookup("#lessons").queryListView();
    robot.interact(() -> lessons.getSelectionModel().select(
        lessons.getItems().stream().filter(l -> l.name().equals(name)).findFirst()
            .orElseThrow()));
    TextArea overview = robot.lookup("#overview").query();
    WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> overview.getText().contains(marker));
  }

  private static void selectTab(FxRobot robot, int i) {
    robot.interact(() -> robot.lookup("#tabs").<TabPane>query().getSelectionModel().select(i));
  }

  @Test
  void stepsToTheDnatWithItsKubeSepRuleHighlightedThenIntoTheReply(FxRobot robot)
      throws Exception {
    openLesson(robot, "clusterip", "10.96.0.80");
    selectTab(robot, 1);
    TracePane pane = robot.lookup("#tracePane").query();
    ComboBox<String> from = robot.lookup("#traceFrom").query();
    ComboBox<String> to = robot.lookup("#traceTo").query();
    assertThat(to.getItems()).contains("svc/default/web:80");
    robot.interact(() -> {
      from.setValue("pod/default/client");
      to.setValue("svc/default/web:80");
    });
    robot.clickOn("#traceButton");
    Label verdict = robot.lookup("#verdict").query();
    WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> verdict.getText().equals("DELIVERED"));
    while (pane.model().current().step().kind() != Step.Kind.DNAT) {
      robot.clickOn("#stepForward");
    }
    WaitForAsyncUtils.waitForFxEvents();
    Step dnat = pane.model().current().step();
    ListView<String> rules = robot.lookup("#ruleView").queryListView();
    Label command = robot.lookup("#ruleCommand").query();
    assertThat(command.getText()).isEqualTo("root@node01:~# iptables-save");
    String hit = rules.getItems().get(pane.ruleHighlight());
    assertThat(hit).startsWith("-A KUBE-SEP-").contains("-j DNAT --to-destination "
        + dnat.packet().dst() + ":80");
    assertThat(robot.lookup("#ruleView .rule-hit").queryAll()).singleElement()
        .satisfies(n -> assertThat(((ListCell<?>) n).getText()).isEqualTo(hit));
    TextArea inspector = robot.lookup("#inspector").query();
    assertThat(inspector.getText()).contains("DNAT", " * dst   " + dnat.packet().dst() + ":80");
    TextArea summary = robot.lookup("#summary").query();
    assertThat(summary.getText()).contains("service: default/web", "candidates:", "50.00%");

    robot.clickOn("#traceReply");
    WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS,
        () -> verdict.getText().equals("DELIVERED   reply: DELIVERED"));
    int replyStart = pane.model().replyStart();
    assertThat(replyStart).isEqualTo(pane.model().trace().steps().size());
    robot.interact(() -> pane.model().jump(replyStart - 2));
    robot.clickOn("#stepForward").clickOn("#stepForward");
    WaitForAsyncUtils.waitForFxEvents();
    assertThat(pane.model().current().reply()).isTrue();
    assertThat(inspector.getText()).startsWith("REPLY (the answer travelling back) - Step 1 of");
    assertThat(robot.lookup("#traceEvents .reply-step").queryAll()).isNotEmpty();
    for (int i = 0; i < 4; i++) {
      robot.clickOn("#stepForward");
    }
    WaitForAsyncUtils.waitForFxEvents();
    assertThat(pane.model().current().step().kind()).isEqualTo(Step.Kind.CONNTRACK);
    assertThat(command.getText()).isEqualTo("root@node01:~# conntrack -L");
    assertThat(rules.getItems().get(pane.ruleHighlight())).contains("dst=10.96.0.80");

    ChoiceBox<ProxyConfig.Mode> mode = robot.lookup("#proxyMode").query();
    robot.interact(() -> mode.setValue(ProxyConfig.Mode.ipvs));
    WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS,
        () -> pane.model().mode() == ProxyConfig.Mode.ipvs && pane.model().trace() != null);
    robot.interact(() -> pane.model().jump(pane.model().trace().steps().stream()
        .filter(s -> s.kind() == Step.Kind.IPVS).findFirst().orElseThrow().index() - 1));
    robot.clickOn("#stepForward");
    WaitForAsyncUtils.waitForFxEvents();
    assertThat(command.getText()).isEqualTo("root@node01:~# ipvsadm -Ln");
    assertThat(rules.getItems().get(pane.ruleHighlight())).isEqualTo("TCP  10.96.0.80:80 rr");

    java.nio.file.Path cap = java.nio.file.Files.createTempFile("kubewalk", ".pcapng");
    robot.interact(() -> {
      try {
        app.exportPcap(cap);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    assertThat(java.nio.file.Files.readAllBytes(cap)).startsWith((byte) 0x0a, (byte) 0x0d,
        (byte) 0x0d, (byte) 0x0a);

    robot.interact(() -> to.setValue("10.96.0.80"));
    robot.clickOn("#traceButton");
    Label error = robot.lookup("#traceError").query();
    WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> !error.getText().isEmpty());
    assertThat(error.getText()).contains("10.96.0.80").doesNotContain("\n")
        .doesNotContain("Exception");
    FxToolkit.cleanupStages();
  }

  @Test
  void spacesAndArrowsTypedIntoTheEndpointFieldsStayThere(FxRobot robot) throws Exception {
    openLesson(robot, "clusterip", "10.96.0.80");
    selectTab(robot, 1);
    ComboBox<String> from = robot.lookup("#traceFrom").query();
    robot.interact(() -> from.getEditor().clear());
    robot.clickOn(from.getEditor()).write("ip/10.0.0.9 --enter node/node0")
        .type(KeyCode.LEFT).type(KeyCode.RIGHT).write("1");
    assertThat(from.getEditor().getText()).isEqualTo("ip/10.0.0.9 --enter node/node01");
    ComboBox<String> to = robot.lookup("#traceTo").query();
    robot.interact(() -> to.setValue("svc/default/web:80"));
    robot.clickOn("#traceButton");
    Label verdict = robot.lookup("#verdict").query();
    WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> !verdict.getText().isEmpty());
    TracePane pane = robot.lookup("#tracePane").query();
    assertThat(pane.model().trace().steps().get(0).node()).isEqualTo("node01");
    FxToolkit.cleanupStages();
  }

  @Test
  void terminalRunsCommandsWithHistoryAndKubectl(FxRobot robot) throws Exception {
    openLesson(robot, "clusterip", "10.96.0.80");
    selectTab(robot, 2);
    ComboBox<String> target = robot.lookup("#terminalTarget").query();
    robot.interact(() -> target.setValue("node01"));
    TextField input = robot.lookup("#terminalInput").query();
    TextArea out = robot.lookup("#terminalOutput").query();
    robot.clickOn(input).write("iptables-save -t nat").type(KeyCode.ENTER);
    WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> out.getText().contains("COMMIT"));
    assertThat(out.getText()).contains("root@node01:~# iptables-save -t nat\n",
        "-j DNAT --to-destination 10.244.1.2:80");
    robot.write("kubectl get svc").type(KeyCode.ENTER);
    WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> out.getText().contains("10.96.0.80 "));
    robot.type(KeyCode.UP);
    assertThat(input.getText()).isEqualTo("kubectl get svc");
    robot.type(KeyCode.UP);
    assertThat(input.getText()).isEqualTo("iptables-save -t nat");
    robot.type(KeyCode.DOWN).type(KeyCode.DOWN);
    assertThat(input.getText()).isEmpty();
    FxToolkit.cleanupStages();
  }

  @Test
  void classroomFontSizeExportAndApiCalls(FxRobot robot) throws Exception {
    openLesson(robot, "clusterip", "10.96.0.80");
    robot.press(KeyCode.CONTROL).type(KeyCode.EQUALS).release(KeyCode.CONTROL);
    WaitForAsyncUtils.waitForFxEvents();
    assertThat(app.fontSize().size()).isEqualTo(14);
    assertThat(robot.lookup("#menuBar").query().getScene().getRoot().getStyle())
        .contains("-fx-font-size: 14px");
    robot.press(KeyCode.CONTROL).type(KeyCode.MINUS).type(KeyCode.MINUS)
        .release(KeyCode.CONTROL);
    WaitForAsyncUtils.waitForFxEvents();
    assertThat(app.fontSize().size()).isEqualTo(12);

    selectTab(robot, 3);
    TextArea details = robot.lookup("#apiDetails").query();
    assertThat(details.getText()).startsWith("Call 1 of ");
    robot.clickOn("#apiNext");
    assertThat(details.getText()).startsWith("Call 2 of ").contains("2379");

    java.nio.file.Path png = java.nio.file.Files.createTempFile("kubewalk", ".png");
    java.nio.file.Path[] written = new java.nio.file.Path[1];
    robot.interact(() -> {
      try {
        written[0] = app.exportPng(png);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    byte[] bytes = java.nio.file.Files.readAllBytes(written[0]);
    assertThat(bytes).startsWith((byte) 0x89, (byte) 'P', (byte) 'N', (byte) 'G');
    java.awt.image.BufferedImage img = javax.imageio.ImageIO.read(written[0].toFile());
    assertThat(img.getWidth()).isGreaterThan(600);
    assertThat(app.defaultExportName()).isEqualTo("kubewalk-clusterip-api-calls.png");
    java.nio.file.Path cap = java.nio.file.Files.createTempFile("kubewalk", ".pcapng");
    robot.interact(() -> assertThatThrownBy(() -> app.exportPcap(cap))
        .hasMessageContaining("no trace yet"));
    FxToolkit.cleanupStages();
  }

  @Test
  void aBrokenScenarioFileKeepsTheLessonAndListsItsProblems(FxRobot robot) throws Exception {
    openLesson(robot, "clusterip", "10.96.0.80");
    java.nio.file.Path f = java.nio.file.Files.createTempFile("broken", ".yaml");
    java.nio.file.Files.writeString(f, "kind: Cluster\nnodes:\n  - name: [\n");
    robot.interact(() -> app.open(f.toString(), true));
    WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> app.lastFailure() != null);
    WaitForAsyncUtils.waitForFxEvents();
    TextArea problems = robot.lookup("#problems").query();
    assertThat(problems.getText()).contains(f.getFileName().toString() + ":");
    assertThat(robot.lookup("#title").<Label>query().getText()).contains("ClusterIP");
    FxToolkit.cleanupStages();
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
    Label verdictLabel = robot.lookup("#verdict").query();
    WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS,
        () -> verdictLabel.getText().equals("DELIVERED"));
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
