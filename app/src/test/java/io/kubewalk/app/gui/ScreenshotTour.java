package io.kubewalk.app.gui;

import io.kubewalk.sim.scenario.LessonInfo;
import io.kubewalk.sim.trace.Step;
import java.nio.file.Path;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.ListView;
import javafx.scene.control.TabPane;
import javafx.scene.control.TextField;
import javafx.scene.control.ToggleButton;
import javafx.stage.Stage;

/**
 * Opens the app on a real display (run under Xvfb by scripts/screenshots.sh) and captures the
 * screen with ImageMagick's {@code import} after each view: the cluster, the cross-node flow at
 * the VXLAN encapsulation, the ClusterIP flow at its DNAT with the rule view, the reply, the
 * terminal and the API calls. Not a test: it is for review and the README.
 */
public final class ScreenshotTour {

  private static Path out = Path.of("docs/screenshots");

  private ScreenshotTour() {}

  /** A plain main (not an Application subclass), so the fat jar's JavaFX starts. */
  public static void main(String[] args) {
    if (args.length > 0) {
      out = Path.of(args[0]);
    }
    Application.launch(Tour.class);
  }

  /** The tour itself. */
  public static final class Tour extends Application {
    private Scene scene;

    @Override
    public void start(Stage stage) {
      new KubewalkApp().start(stage);
      scene = stage.getScene();
      Thread t = new Thread(() -> {
        try {
          until(() -> !((javafx.scene.control.TextArea) scene.lookup("#overview")).getText()
              .isEmpty());
          Thread.sleep(1000);
          shoot("cluster.png");
          fx(() -> {
            tabs().getSelectionModel().select(1);
            combo("#traceFrom").setValue("pod/default/client");
            combo("#traceTo").setValue("pod/default/app:80/tcp");
            button("#traceButton").fire();
          });
          until(() -> !((javafx.scene.control.Label) scene.lookup("#verdict")).getText()
              .isEmpty());
          fx(() -> {
            TracePane p = (TracePane) scene.lookup("#tracePane");
            while (p.model().current().step().kind() != Step.Kind.ENCAP) {
              button("#stepForward").fire();
            }
          });
          Thread.sleep(800);
          shoot("trace.png");

          fx(() -> lesson("clusterip"));
          until(() -> ((javafx.scene.control.TextArea) scene.lookup("#overview")).getText()
              .contains("10.96.0.80"));
          Thread.sleep(500);
          fx(() -> {
            tabs().getSelectionModel().select(1);
            combo("#traceFrom").setValue("pod/default/client");
            combo("#traceTo").setValue("svc/default/web:80");
            ((ToggleButton) scene.lookup("#traceReply")).setSelected(true);
            button("#traceButton").fire();
          });
          until(() -> ((javafx.scene.control.Label) scene.lookup("#verdict")).getText()
              .contains("reply"));
          fx(() -> {
            TracePane p = (TracePane) scene.lookup("#tracePane");
            while (p.model().current().step().kind() != Step.Kind.DNAT) {
              button("#stepForward").fire();
            }
          });
          Thread.sleep(800);
          shoot("rules.png");
          fx(() -> {
            TracePane p = (TracePane) scene.lookup("#tracePane");
            while (p.model().current().step().kind() != Step.Kind.CONNTRACK) {
              button("#stepForward").fire();
            }
          });
          Thread.sleep(800);
          shoot("reply.png");

          fx(() -> tabs().getSelectionModel().select(2));
          for (String cmd : new String[] {"ip route", "iptables -t nat -L KUBE-SERVICES -n",
              "conntrack -L", "kubectl get svc -A"}) {
            fx(() -> {
              ((TextField) scene.lookup("#terminalInput")).setText(cmd);
              button("#terminalRun").fire();
            });
            Thread.sleep(500);
          }
          Thread.sleep(500);
          shoot("terminal.png");

          fx(() -> {
            tabs().getSelectionModel().select(3);
            for (int i = 0; i < 3; i++) {
              ((Button) scene.lookup("#apiNext")).fire();
            }
          });
          Thread.sleep(1200);
          shoot("api.png");
        } catch (Exception e) {
          System.err.println("screenshot tour failed: " + e);
          e.printStackTrace();
        } finally {
          Platform.exit();
        }
      }, "screenshot-tour");
      t.setDaemon(true);
      t.start();
    }

    private TabPane tabs() {
      return (TabPane) scene.lookup("#tabs");
    }

    @SuppressWarnings("unchecked")
    private ComboBox<String> combo(String id) {
      return (ComboBox<String>) scene.lookup(id);
    }

    private Button button(String id) {
      return (Button) scene.lookup(id);
    }

    @SuppressWarnings("unchecked")
    private void lesson(String name) {
      ListView<LessonInfo> l = (ListView<LessonInfo>) scene.lookup("#lessons");
      l.getItems().stream().filter(i -> i.name().equals(name)).findFirst()
          .ifPresent(i -> l.getSelectionModel().select(i));
    }
  }

  private static void until(java.util.function.BooleanSupplier ready) throws Exception {
    FxWait.until(ready, 30);
  }

  private static void fx(Runnable r) throws InterruptedException {
    FxWait.fx(r);
  }


  private static void shoot(String name) throws Exception {
    Path file = out.resolve(name);
    new ProcessBuilder("import", "-window", "root", file.toString()).inheritIO().start()
        .waitFor();
    System.out.println("wrote " + file);
  }
}
