package io.kubewalk.app.gui;

import io.kubewalk.sim.Simulation;
import io.kubewalk.sim.api.ProxyConfig;
import javafx.animation.KeyFrame;
import javafx.animation.Timeline;
import javafx.concurrent.Task;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.Group;
import javafx.scene.control.Button;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Spinner;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TextArea;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.Tooltip;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyEvent;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.util.Duration;

/**
 * The trace player: pick a source and a destination (or type one), a seed, whether to follow
 * the reply, and kube-proxy's mode; trace (off the FX thread), then step through the event list
 * with the inspector showing where the packet is, what happened and why, and the headers with
 * the fields that step changed; the rule view shows the node's ruleset as the real tool prints
 * it with the deciding line highlighted, and the summary the Service, source seen, candidates
 * and cost. Space plays/pauses, Left/Right step, Home restarts.
 */
final class TracePane extends BorderPane {

  private final ComboBox<String> from = new ComboBox<>();
  private final ComboBox<String> to = new ComboBox<>();
  private final Spinner<Integer> seed = new Spinner<>(0, Integer.MAX_VALUE, 0);
  private final ToggleButton reply = new ToggleButton("↩ Reply");
  private final ChoiceBox<ProxyConfig.Mode> mode = new ChoiceBox<>();
  private final ProgressIndicator busy = new ProgressIndicator();
  private final Label error = new Label();
  private final ListView<String> events = new ListView<>();
  private final TextArea inspector = new TextArea();
  private final Label ruleCommand = new Label();
  private final ListView<String> rules = new ListView<>();
  private final TextArea summary = new TextArea();
  private final Label verdict = new Label();
  private final Timeline player = new Timeline(new KeyFrame(Duration.millis(900), e -> step(1)));
  private final TopologyCanvas canvas = new TopologyCanvas();
  private final ScrollPane topo;
  private TraceViewModel model;
  private final java.util.Map<Simulation, RuleViewModel> ruleModels =
      new java.util.concurrent.ConcurrentHashMap<>();
  private java.util.List<RuleViewModel.RuleView> ruleViews = java.util.List.of();
  private TopologyLayout layout;
  private int ruleHighlight = -1;
  private RuleViewModel.RuleView shownView;
  private java.util.List<String> shownRules;
  private boolean updating;
  private long generation;

  TracePane() {
    from.setId("traceFrom");
    to.setId("traceTo");
    from.setEditable(true);
    to.setEditable(true);
    from.setPrefWidth(260);
    to.setPrefWidth(280);
    from.setPromptText("pod/NS/NAME, node/NAME, external/NAME");
    to.setPromptText("svc/NS/NAME:PORT or type IP:PORT/PROTO");
    to.setTooltip(new Tooltip("Pick one, or type IP:PORT/PROTO, svc/NS/NAME:PORT,"
        + " pod/NS/NAME:PORT[/PROTO] or a Service DNS name such as web.default:80/tcp"));
    from.setTooltip(new Tooltip("Pick one, or type pod/NS/NAME, node/NAME, external/NAME"
        + " or ip/ADDR --enter node/NAME"));
    seed.setId("traceSeed");
    seed.setEditable(true);
    seed.getValueFactory().setConverter(new javafx.util.StringConverter<>() {
      @Override
      public String toString(Integer v) {
        return v == null ? "0" : v.toString();
      }

      @Override
      public Integer fromString(String text) {
        try {
          return Math.max(0, Integer.parseInt(text.trim()));
        } catch (NumberFormatException ex) {
          error.setText("the seed is a whole number (0, 1, 2, ...): kept "
              + seed.getValue());
          return seed.getValue();
        }
      }
    });
    seed.setPrefWidth(90);
    seed.setTooltip(new Tooltip("Seed of the random choices (which endpoint, which port)"));
    reply.setId("traceReply");
    reply.setTooltip(new Tooltip("Also follow the answer (SYN-ACK) back to the client"));
    mode.setId("proxyMode");
    mode.getItems().setAll(ProxyConfig.Mode.values());
    mode.setTooltip(new Tooltip("kube-proxy's mode: re-programs every node and re-runs the trace"));
    busy.setMaxSize(20, 20);
    busy.setVisible(false);
    error.setId("traceError");
    error.getStyleClass().add("error-line");
    events.setId("traceEvents");
    events.getStyleClass().add("mono");
    inspector.setId("inspector");
    inspector.getStyleClass().add("mono");
    inspector.setEditable(false);
    inspector.setWrapText(true);
    verdict.setId("verdict");
    verdict.getStyleClass().add("verdict");
    ruleCommand.setId("ruleCommand");
    ruleCommand.getStyleClass().add("mono");
    rules.setId("ruleView");
    rules.getStyleClass().add("mono");
    summary.setId("summary");
    summary.getStyleClass().add("mono");
    summary.setEditable(false);
    player.setCycleCount(Timeline.INDEFINITE);

    Button trace = new Button("Trace");
    trace.setId("traceButton");
    trace.setDefaultButton(true);
    trace.setOnAction(e -> runTrace());
    Button restart = new Button("Restart");
    restart.setOnAction(e -> restart());
    Button back = new Button("◀ Back");
    back.setId("stepBack");
    back.setOnAction(e -> step(-1));
    Button fwd = new Button("Step ▶");
    fwd.setId("stepForward");
    fwd.setOnAction(e -> step(1));
    Button play = new Button("Play / Pause");
    play.setId("play");
    play.setOnAction(e -> togglePlay());
    for (Button b : new Button[] {restart, back, fwd, play}) {
      b.setFocusTraversable(false);
    }

    HBox pick = new HBox(8, new Label("From"), from, new Label("To"), to, trace);
    HBox options = new HBox(8, new Label("Seed"), seed, reply, new Label("kube-proxy"), mode,
        busy, error);
    pick.setAlignment(Pos.CENTER_LEFT);
    options.setAlignment(Pos.CENTER_LEFT);
    HBox.setHgrow(error, Priority.ALWAYS);
    VBox top = new VBox(6, pick, options);
    top.setPadding(new Insets(0, 0, 8, 0));
    HBox controls = new HBox(8, restart, back, fwd, play, verdict);
    controls.setAlignment(Pos.CENTER_LEFT);
    controls.setPadding(new Insets(8, 0, 0, 0));
    HBox.setHgrow(verdict, Priority.ALWAYS);

    VBox ruleBox = new VBox(4, ruleCommand, rules);
    VBox.setVgrow(rules, Priority.ALWAYS);
    SplitPane right = new SplitPane(ruleBox, summary);
    right.setOrientation(Orientation.VERTICAL);
    right.setDividerPositions(0.62);
    SplitPane split = new SplitPane(events, inspector, right);
    split.setDividerPositions(0.2, 0.5);
    canvas.setId("topology");
    topo = new ScrollPane(new Group(canvas));
    topo.setPannable(true);
    SplitPane vertical = new SplitPane(topo, split);
    vertical.setOrientation(Orientation.VERTICAL);
    vertical.setDividerPositions(0.38);
    setTop(top);
    setCenter(vertical);
    setBottom(controls);
    setPadding(new Insets(8));

    events.setCellFactory(v -> new ListCell<>() {
      @Override
      protected void updateItem(String item, boolean empty) {
        super.updateItem(item, empty);
        setText(empty ? null : item);
        getStyleClass().remove("reply-step");
        if (!empty && item != null && item.startsWith("reply ")) {
          getStyleClass().add("reply-step");
        }
      }
    });
    rules.setCellFactory(v -> new ListCell<>() {
      @Override
      protected void updateItem(String item, boolean empty) {
        super.updateItem(item, empty);
        setText(empty ? null : item);
        getStyleClass().remove("rule-hit");
        if (!empty && shownView != null && shownView.marks(getIndex())) {
          getStyleClass().add("rule-hit");
        }
      }
    });
    events.getSelectionModel().selectedIndexProperty().addListener((o, a, b) -> {
      if (!updating && model != null && b.intValue() >= 0 && b.intValue() != model.index()) {
        model.jump(b.intValue());
        refresh();
      }
    });
    reply.selectedProperty().addListener((o, a, b) -> rerun());
    mode.valueProperty().addListener((o, a, b) -> rerun());
    seed.valueProperty().addListener((o, a, b) -> rerun());
    addEventFilter(KeyEvent.KEY_PRESSED, e -> {
      if (typing(e.getTarget())) {
        return;
      }
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

  /** Whether keys go to a text field (an editable combo box or the seed), not the player. */
  private static boolean typing(Object target) {
    return target instanceof javafx.scene.control.TextInputControl
        || target instanceof ComboBox<?> c && c.isEditable()
        || target instanceof Spinner<?>;
  }

  /** Shows a newly loaded scenario and preselects its first pods. */
  void show(Simulation sim) {
    player.stop();
    generation++;
    model = sim == null ? null : new TraceViewModel(sim);
    ruleModels.clear();
    ruleViews = java.util.List.of();
    layout = sim == null ? null : TopologyLayout.of(sim);
    canvas.show(layout, null, false);
    events.getItems().clear();
    inspector.clear();
    summary.clear();
    showRules(RuleViewModel.RuleView.empty(""));
    verdict.setText("");
    error.setText("");
    updating = true;
    try {
      if (model == null) {
        from.getItems().clear();
        to.getItems().clear();
        return;
      }
      mode.setValue(model.scenarioMode());
      from.getItems().setAll(model.sources());
      to.getItems().setAll(model.targets());
      from.setValue(from.getItems().isEmpty() ? null : from.getItems().get(0));
      String t = to.getItems().isEmpty() ? null
          : to.getItems().get(to.getItems().size() > 2 ? 1 : 0);
      to.setValue(t);
    } finally {
      updating = false;
    }
  }

  private static String text(ComboBox<String> c) {
    String typed = c.getEditor() == null ? null : c.getEditor().getText();
    return typed != null && !typed.isBlank() ? typed.trim() : c.getValue();
  }

  private void rerun() {
    if (!updating && model != null && (model.trace() != null || model.error() != null)) {
      runTrace();
    }
  }

  void runTrace() {
    if (model == null) {
      return;
    }
    player.stop();
    TraceViewModel m = model;
    TraceViewModel.Request req = new TraceViewModel.Request(text(from), text(to),
        seed.getValue() == null ? 0 : seed.getValue(), reply.isSelected(), mode.getValue());
    long gen = ++generation;
    busy.setVisible(true);
    Task<Prepared> task = new Task<>() {
      @Override
      protected Prepared call() {
        TraceViewModel.Outcome o = m.compute(req);
        java.util.List<RuleViewModel.RuleView> views = new java.util.ArrayList<>();
        if (o.ok()) {
          // The rule views of every step, computed here so that stepping only displays them.
          RuleViewModel rv = ruleModels.computeIfAbsent(o.sim(), RuleViewModel::new);
          java.util.List<io.kubewalk.sim.trace.Step> all = new java.util.ArrayList<>(
              o.trace().steps());
          if (o.trace().reply() != null) {
            all.addAll(o.trace().reply().steps());
          }
          for (io.kubewalk.sim.trace.Step s : all) {
            views.add(rv.forStep(s, o.trace()));
          }
        }
        return new Prepared(o, java.util.List.copyOf(views));
      }
    };
    task.setOnSucceeded(e -> {
      if (gen == generation) {
        busy.setVisible(false);
        accept(task.getValue());
      }
    });
    task.setOnFailed(e -> {
      if (gen == generation) {
        busy.setVisible(false);
        error.setText("cannot trace: " + task.getException().getMessage());
      }
    });
    Thread t = new Thread(task, "kubewalk-trace");
    t.setDaemon(true);
    t.start();
  }

  /** A trace outcome with the rule view of each of its play-list entries. */
  private record Prepared(TraceViewModel.Outcome outcome,
      java.util.List<RuleViewModel.RuleView> views) {}

  private void accept(Prepared p) {
    TraceViewModel.Outcome o = p.outcome();
    ruleViews = p.views();
    model.accept(o);
    if (!o.ok()) {
      error.setText(o.error());
      events.getItems().clear();
      inspector.setText(o.error());
      summary.clear();
      verdict.setText("");
      showRules(RuleViewModel.RuleView.empty(""));
      canvas.show(layout, null, false);
      return;
    }
    error.setText("");
    updating = true;
    events.getItems().setAll(model.events());
    updating = false;
    var t = model.trace();
    verdict.setText(t.verdict().name() + (t.reply() == null ? "" : "   reply: "
        + t.reply().verdict().name()));
    summary.setText(model.summary());
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
    TraceViewModel.Entry e = model.current();
    if (e != null) {
      updating = true;
      events.getSelectionModel().select(model.index());
      updating = false;
      events.scrollTo(Math.max(0, model.index() - 3));
      var step = e.step();
      canvas.show(layout, step, e.reply());
      TopologyLayout.Box b = layout.boxFor(step.node(), step.netns(), step.device());
      if (b != null && layout.width() > 0 && layout.height() > 0) {
        topo.setHvalue(Math.min(1, b.cx() / layout.width()));
        topo.setVvalue(Math.min(1, b.cy() / layout.height()));
      }
      showRules(model.index() < ruleViews.size() ? ruleViews.get(model.index())
          : RuleViewModel.RuleView.empty(""));
    }
    inspector.setText(model.inspector());
  }

  private void showRules(RuleViewModel.RuleView v) {
    ruleHighlight = v.highlight();
    shownView = v;
    ruleCommand.setText(v.target().isEmpty() ? v.command()
        : TerminalModel.prompt(v.target()) + v.command());
    if (shownRules != v.lines()) {
      shownRules = v.lines();
      rules.getItems().setAll(v.lines());
    }
    rules.refresh();
    if (v.highlight() >= 0) {
      rules.scrollTo(Math.max(0, v.highlight() - 3));
    }
  }

  /** The topology's zoom (the classroom font size). */
  void zoom(double z) {
    canvas.setScaleX(z);
    canvas.setScaleY(z);
  }

  TraceViewModel model() {
    return model;
  }

  int ruleHighlight() {
    return ruleHighlight;
  }
}
