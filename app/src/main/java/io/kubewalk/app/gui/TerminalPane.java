package io.kubewalk.app.gui;

import io.kubewalk.sim.Simulation;
import io.kubewalk.sim.trace.Trace;
import java.util.function.Supplier;
import javafx.concurrent.Task;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.input.KeyCode;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;

/**
 * The terminal tab: choose a node or a pod, type a command ({@code ip route}, {@code
 * iptables-save -t nat}, {@code kubectl get svc}); the output appears as the CLI prints it. Up and
 * Down walk the history; commands run off the FX thread. It uses the trace tab's kube-proxy mode
 * and last trace (for {@code conntrack -L}).
 */
final class TerminalPane extends BorderPane {

  private final ComboBox<String> target = new ComboBox<>();
  private final TextField input = new TextField();
  private final TextArea output = new TextArea();
  private final TerminalModel model = new TerminalModel();
  private final Supplier<Simulation> sim;
  private final Supplier<Trace> lastTrace;

  TerminalPane(Supplier<Simulation> sim, Supplier<Trace> lastTrace) {
    this.sim = sim;
    this.lastTrace = lastTrace;
    target.setId("terminalTarget");
    input.setId("terminalInput");
    output.setId("terminalOutput");
    output.getStyleClass().add("mono");
    input.getStyleClass().add("mono");
    output.setEditable(false);
    input.setPromptText("ip route | iptables-save -t nat | conntrack -L | kubectl get svc -A |"
        + " help");
    Button run = new Button("Run");
    run.setId("terminalRun");
    run.setOnAction(e -> runLine());
    Button clear = new Button("Clear");
    clear.setOnAction(e -> output.clear());
    input.setOnAction(e -> runLine());
    input.setOnKeyPressed(e -> {
      if (e.getCode() == KeyCode.UP) {
        input.setText(model.up(input.getText()));
        input.end();
        e.consume();
      } else if (e.getCode() == KeyCode.DOWN) {
        input.setText(model.down());
        input.end();
        e.consume();
      }
    });
    HBox bar = new HBox(8, new Label("Run on"), target, input, run, clear);
    bar.setAlignment(Pos.CENTER_LEFT);
    HBox.setHgrow(input, Priority.ALWAYS);
    bar.setPadding(new Insets(0, 0, 8, 0));
    setTop(bar);
    setCenter(output);
    setPadding(new Insets(8));
  }

  /** A newly loaded scenario: its nodes and pods become the targets. */
  void show(Simulation s) {
    output.clear();
    if (s == null) {
      target.getItems().clear();
      return;
    }
    target.getItems().setAll(TerminalModel.targets(s));
    target.setValue(target.getItems().isEmpty() ? null : target.getItems().get(0));
    output.setText("Commands run emulated on the chosen node or pod; type help for the list.\n");
  }

  void runLine() {
    Simulation s = sim.get();
    String line = input.getText();
    String where = target.getValue();
    if (s == null || where == null || line == null || line.isBlank()) {
      return;
    }
    Trace after = lastTrace.get();
    input.clear();
    model.remember(line);
    Task<String> task = new Task<>() {
      @Override
      protected String call() {
        return TerminalModel.execute(s, where, line, after);
      }
    };
    task.setOnSucceeded(e -> {
      output.appendText(task.getValue());
      output.setScrollTop(Double.MAX_VALUE);
    });
    task.setOnFailed(e -> output.appendText("kubewalk: " + task.getException().getMessage()
        + "\n"));
    Thread t = new Thread(task, "kubewalk-terminal");
    t.setDaemon(true);
    t.start();
  }

  TerminalModel model() {
    return model;
  }
}
