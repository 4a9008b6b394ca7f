package io.kubewalk.app.gui;

import io.kubewalk.sim.scenario.LessonInfo;
import java.util.List;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.concurrent.Task;
import javafx.geometry.Insets;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.control.SplitPane;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.TextArea;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;
import javafx.scene.text.Font;
import javafx.stage.Stage;

/**
 * The kubewalk desktop app: pick a built-in lesson, read its narrative and see its cluster as
 * kubectl shows it. Loading runs in a background task so the window never freezes.
 */
public final class KubewalkApp extends Application {

  /** Set (in milliseconds) to close the window on its own, for smoke checks under Xvfb. */
  static final String EXIT_AFTER_ENV = "KUBEWALK_EXIT_AFTER_MS";

  private final LessonBrowserModel model = new LessonBrowserModel();
  private TracePane tracePane;

  @Override
  public void start(Stage stage) {
    List<String> params = getParameters() == null ? List.of() : getParameters().getRaw();
    String initial = params.isEmpty() ? "kubeadm-flannel" : params.get(0);

    ListView<LessonInfo> lessons = new ListView<>();
    lessons.setId("lessons");
    lessons.getItems().setAll(model.lessons());
    lessons.setCellFactory(v -> new ListCell<>() {
      @Override
      protected void updateItem(LessonInfo item, boolean empty) {
        super.updateItem(item, empty);
        setText(empty || item == null ? null : item.name() + "\n" + item.title());
      }
    });
    lessons.setPrefWidth(320);

    Label title = new Label();
    title.setId("title");
    title.setFont(Font.font(20));
    title.setWrapText(true);
    Label narrative = new Label();
    narrative.setId("narrative");
    narrative.setWrapText(true);
    TextArea overview = new TextArea();
    overview.setId("overview");
    overview.setEditable(false);
    overview.setFont(Font.font("Monospaced", 13));
    ProgressIndicator busy = new ProgressIndicator();
    busy.setMaxSize(24, 24);
    busy.setVisible(false);

    TracePane tracePane = new TracePane();
    tracePane.setId("tracePane");
    Tab clusterTab = new Tab("Cluster", overview);
    Tab traceTab = new Tab("Trace", tracePane);
    TabPane tabs = new TabPane(clusterTab, traceTab);
    tabs.setId("tabs");
    tabs.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
    this.tracePane = tracePane;
    VBox right = new VBox(10, new HBox(10, title, busy), narrative, tabs);
    right.setPadding(new Insets(12));
    VBox.setVgrow(tabs, javafx.scene.layout.Priority.ALWAYS);
    SplitPane split = new SplitPane(lessons, right);
    split.setDividerPositions(0.28);

    lessons.getSelectionModel().selectedItemProperty().addListener((obs, old, sel) -> {
      if (sel != null) {
        open(sel.name(), title, narrative, overview, busy);
      }
    });

    stage.setTitle("kubewalk");
    stage.setScene(new Scene(new BorderPane(split), 1200, 760));
    stage.show();
    lessons.getItems().stream().filter(l -> l.name().equals(initial)).findFirst()
        .ifPresentOrElse(l -> lessons.getSelectionModel().select(l),
            () -> open(initial, title, narrative, overview, busy));
    scheduleExit(stage);
  }

  private void open(String scenario, Label title, Label narrative, TextArea overview,
      ProgressIndicator busy) {
    busy.setVisible(true);
    Task<LessonBrowserModel.Page> task = new Task<>() {
      @Override
      protected LessonBrowserModel.Page call() {
        return model.open(scenario);
      }
    };
    task.setOnSucceeded(e -> {
      LessonBrowserModel.Page p = task.getValue();
      title.setText(p.title());
      narrative.setText(p.narrative());
      overview.setText(p.overview());
      tracePane.show(p.simulation());
      busy.setVisible(false);
    });
    task.setOnFailed(e -> {
      title.setText("Cannot load " + scenario);
      narrative.setText(String.valueOf(task.getException()));
      busy.setVisible(false);
    });
    Thread t = new Thread(task, "kubewalk-load");
    t.setDaemon(true);
    t.start();
  }

  private static void scheduleExit(Stage stage) {
    String ms = System.getenv(EXIT_AFTER_ENV);
    if (ms == null || ms.isBlank()) {
      return;
    }
    Thread t = new Thread(() -> {
      try {
        Thread.sleep(Long.parseLong(ms.trim()));
      } catch (InterruptedException | NumberFormatException e) {
        Thread.currentThread().interrupt();
      }
      Platform.runLater(() -> {
        System.out.println("kubewalk: window shown: " + stage.getTitle() + " ("
            + (int) stage.getWidth() + "x" + (int) stage.getHeight() + ")");
        Platform.exit();
      });
    }, "kubewalk-exit");
    t.setDaemon(true);
    t.start();
  }
}
