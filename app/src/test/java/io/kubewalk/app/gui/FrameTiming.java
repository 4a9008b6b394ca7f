package io.kubewalk.app.gui;

import io.kubewalk.sim.scenario.LessonInfo;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import javafx.animation.AnimationTimer;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.TabPane;
import javafx.scene.control.TextArea;
import javafx.scene.control.ToggleButton;
import javafx.stage.Stage;

/**
 * Measures the trace player on a real (virtual) display: opens a lesson or scenario file, traces
 * {@code FROM} to {@code TO} with the reply, then (1) times each step advance on the FX thread
 * (event list, canvas redraw, rule view, inspector) and (2) records the pulse intervals with an
 * AnimationTimer while the player plays. Not a test. Usage (under xvfb-run): {@code FrameTiming
 * LESSON FROM TO}.
 */
public final class FrameTiming {

  private static String[] args = new String[0];

  private FrameTiming() {}

  public static void main(String[] a) {
    args = a;
    Application.launch(Run.class);
  }

  /** The measurement. */
  public static final class Run extends Application {
    private Scene scene;

    @Override
    public void start(Stage stage) {
      String lesson = args.length > 0 ? args[0] : "proxy-modes";
      String from = args.length > 1 ? args[1] : "pod/default/client";
      String to = args.length > 2 ? args[2] : "svc/default/web:80";
      KubewalkApp app = new KubewalkApp();
      app.start(stage);
      scene = stage.getScene();
      Thread t = new Thread(() -> {
        try {
          until(() -> !((TextArea) scene.lookup("#overview")).getText().isEmpty());
          String[] before = new String[1];
          fx(() -> before[0] = stage.getTitle());
          long t0 = System.nanoTime();
          fx(() -> {
            @SuppressWarnings("unchecked")
            ListView<LessonInfo> l = (ListView<LessonInfo>) scene.lookup("#lessons");
            l.getItems().stream().filter(i -> i.name().equals(lesson)).findFirst()
                .ifPresentOrElse(i -> l.getSelectionModel().select(i),
                    () -> app.open(lesson, false));
          });
          until(() -> !stage.getTitle().equals(before[0]));
          System.out.printf(Locale.ROOT, "load %s: %.0f ms%n", lesson,
              (System.nanoTime() - t0) / 1e6);
          long t1 = System.nanoTime();
          fx(() -> {
            ((TabPane) scene.lookup("#tabs")).getSelectionModel().select(1);
            @SuppressWarnings("unchecked")
            ComboBox<String> f = (ComboBox<String>) scene.lookup("#traceFrom");
            @SuppressWarnings("unchecked")
            ComboBox<String> d = (ComboBox<String>) scene.lookup("#traceTo");
            f.setValue(from);
            d.setValue(to);
            ((ToggleButton) scene.lookup("#traceReply")).setSelected(true);
            ((Button) scene.lookup("#traceButton")).fire();
          });
          until(() -> !((Label) scene.lookup("#verdict")).getText().isEmpty());
          System.out.printf(Locale.ROOT, "trace (off the FX thread) until shown: %.0f ms%n",
              (System.nanoTime() - t1) / 1e6);
          TracePane pane = (TracePane) scene.lookup("#tracePane");
          int n = pane.model().entries().size();
          List<Double> stepMs = new ArrayList<>();
          for (int i = 0; i < n - 1; i++) {
            fx(() -> {
              long s = System.nanoTime();
              ((Button) scene.lookup("#stepForward")).fire();
              stepMs.add((System.nanoTime() - s) / 1e6);
            });
            Thread.sleep(20);
          }
          report("step advance on the FX thread (" + stepMs.size() + " steps)", stepMs);

          List<Double> pulses = new ArrayList<>();
          long[] last = {0};
          AnimationTimer timer = new AnimationTimer() {
            @Override
            public void handle(long now) {
              if (last[0] != 0) {
                pulses.add((now - last[0]) / 1e6);
              }
              last[0] = now;
            }
          };
          fx(() -> {
            pane.model().restart();
            timer.start();
            ((Button) scene.lookup("#play")).fire();
          });
          Thread.sleep(Math.min(n, 12) * 900L);
          fx(() -> {
            timer.stop();
            ((Button) scene.lookup("#play")).fire();
          });
          report("pulse interval while playing (" + pulses.size() + " pulses)", pulses);
        } catch (Exception e) {
          e.printStackTrace();
        } finally {
          Platform.exit();
        }
      }, "frame-timing");
      t.setDaemon(true);
      t.start();
    }
  }

  private static void report(String what, List<Double> ms) {
    if (ms.isEmpty()) {
      System.out.println(what + ": no samples");
      return;
    }
    List<Double> s = new ArrayList<>(ms);
    Collections.sort(s);
    double mean = s.stream().mapToDouble(Double::doubleValue).average().orElse(0);
    System.out.printf(Locale.ROOT, "%s: mean %.1f ms, median %.1f, p95 %.1f, max %.1f%n", what,
        mean, s.get(s.size() / 2), s.get((int) Math.min(s.size() - 1, s.size() * 0.95)),
        s.get(s.size() - 1));
  }

  private static void until(java.util.function.BooleanSupplier ready) throws Exception {
    FxWait.until(ready, 60);
  }

  private static void fx(Runnable r) throws InterruptedException {
    FxWait.fx(r);
  }
}
