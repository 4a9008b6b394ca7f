package io.kubewalk.app.gui;

import io.kubewalk.sim.Simulation;
import javafx.animation.KeyFrame;
import javafx.animation.Timeline;
import javafx.geometry.Insets;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TextArea;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyEvent;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.text.Font;
import javafx.util.Duration;

/**
 * The trace player: pick a source and a destination, trace, then step through the event list
 * with the inspector showing where the packet is, what happened and why, the deciding rule, and
 * the headers with the fields that step changed. Space plays/pauses, Left/Right step, Home
 * restarts.
 */
final class TracePane extends BorderPane {

  private final ComboBox<String> from = new ComboBox<>();
  private final ComboBox<String> to = new ComboBox<>();
  private final ListView<String> events = new ListView<>();
  private final TextArea inspector = new TextArea();
  private final Label verdict = new Label();
  private final Timeline player = new Timeline(new KeyFrame(Duration.millis(900), e -> step(1)));
  private final TopologyCanvas canvas = new TopologyCanvas();
  private final ScrollPane topo;
  private TraceViewModel model;
  private TopologyLayout layout;

  TracePane() {
    from.setId("traceFrom");
    to.setId("traceTo");
    to.setEditable(true);
    events.setId("traceEvents");
    inspector.setId("inspector");
    verdict.setId("verdict");
    inspector.setEditable(false);
    inspector.setWrapText(true);
    inspector.setFont(Font.font("Monospaced", 14));
    events.setStyle("-fx-font-family: monospace;");
    player.setCycleCount(Timeline.INDEFINITE);

    Button trace = new Button("Trace");
    trace.setId("traceButton");
    trace.setDefaultButton(true);
    trace.setOnAction(e -> runTrace());
    Button restart = new Button("⏮ Restart");
    restart.setOnAction(e -> restart());
    Button back = new Button("◀ Back");
    back.setId("stepBack");
    back.setOnAction(e -> step(-1));
    Button fwd = new Button("Step ▶");
    fwd.setId("stepForward");
    fwd.setOnAction(e -> step(1));
    Button play = new Button("Play / Pause");
    play.setOnAction(e -> togglePlay());

    HBox pick = new HBox(8, new Label("From"), from, new Label("To"), to, trace);
    HBox controls = new HBox(8, restart, back, fwd, play, verdict);
    pick.setPadding(new Insets(0, 0, 8, 0));
    controls.setPadding(new Insets(8, 0, 0, 0));
    HBox.setHgrow(verdict, Priority.ALWAYS);
    SplitPane split = new SplitPane(events, inspector);
    split.setDividerPositions(0.42);
    canvas.setId("topology");
    topo = new ScrollPane(canvas);
    topo.setPannable(true);
    SplitPane vertical = new SplitPane(topo, split);
    vertical.setOrientation(javafx.geometry.Orientation.VERTICAL);
    vertical.setDividerPositions(0.5);
    setTop(pick);
    setCenter(vertical);
    setBottom(controls);
    setPadding(new Insets(8));

    events.getSelectionModel().selectedIndexProperty().addListener((o, a, b) -> {
      if (model != null && b.intValue() >= 0 && b.intValue() != model.index()) {
        model.jump(b.intValue());
        refresh();
      }
    });
    addEventFilter(KeyEvent.KEY_PRESSED, e -> {
      if (e.getCode() == KeyCode.SPACE) {
        togglePlay();
      } else if (e.getCode() == KeyCode.RIGHT) {
        step(1);
      } else if (e.getCode() == KeyCode.LEFT) {
        step(-1);
      } else if (e.getCode() == KeyCode.HOME) {
        restart();
      } else {
        return;
      }
      e.consume();
    });
  }

  /** Shows a newly loaded scenario and preselects its first pods. */
  void show(Simulation sim) {
    player.stop();
    model = sim == null ? null : new TraceViewModel(sim);
    layout = sim == null ? null : TopologyLayout.of(sim);
    canvas.show(layout, null);
    events.getItems().clear();
    inspector.clear();
    verdict.setText("");
    if (model == null) {
      from.getItems().clear();
      to.getItems().clear();
      return;
    }
    from.getItems().setAll(model.sources());
    to.getItems().setAll(model.targets());
    if (!from.getItems().isEmpty()) {
      from.getSelectionModel().select(0);
    }
    if (to.getItems().size() > 1) {
      to.getSelectionModel().select(to.getItems().size() > 2 ? 1 : 0);
    }
  }

  void runTrace() {
    if (model == null || from.getValue() == null || to.getValue() == null) {
      return;
    }
    player.stop();
    try {
      model.run(from.getValue(), to.getEditor() != null && !to.getEditor().getText().isBlank()
          ? to.getEditor().getText() : to.getValue());
    } catch (IllegalArgumentException ex) {
      events.getItems().clear();
      inspector.setText(ex.getMessage());
      verdict.setText("");
      return;
    }
    events.getItems().setAll(model.events());
    verdict.setText(model.trace().verdict().name());
    refresh();
  }

  private void step(int delta) {
    if (model == null || model.trace() == null) {
      return;
    }
    boolean moved = delta > 0 ? model.forward() : model.back();
    if (!moved) {
      player.stop();
    }
    refresh();
  }

  private void restart() {
    if (model != null) {
      model.restart();
      refresh();
    }
  }

  private void togglePlay() {
    if (player.getStatus() == javafx.animation.Animation.Status.RUNNING) {
      player.stop();
    } else {
      player.play();
    }
  }

  private void refresh() {
    if (model.trace() != null && !model.trace().steps().isEmpty()) {
      events.getSelectionModel().select(model.index());
      events.scrollTo(Math.max(0, model.index() - 3));
      var step = model.trace().steps().get(model.index());
      canvas.show(layout, step);
      TopologyLayout.Box b = layout.boxFor(step.node(), step.netns(), step.device());
      if (b != null && layout.width() > 0 && layout.height() > 0) {
        topo.setHvalue(Math.min(1, b.cx() / layout.width()));
        topo.setVvalue(Math.min(1, b.cy() / layout.height()));
      }
    }
    inspector.setText(model.inspector());
  }

  TraceViewModel model() {
    return model;
  }
}
