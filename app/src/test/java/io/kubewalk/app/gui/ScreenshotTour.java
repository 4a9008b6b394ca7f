package io.kubewalk.app.gui;

import java.nio.file.Path;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.TabPane;
import javafx.stage.Stage;

/**
 * Opens the app on a real display (run under Xvfb by scripts/screenshots.sh), shows the cluster
 * view, then traces the cross-node flow and steps to the VXLAN encapsulation, capturing the screen
 * with ImageMagick's {@code import} after each view. Not a test: it is for review and the README.
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
    @Override
    public void start(Stage stage) {
      new KubewalkApp().start(stage);
      Thread t = new Thread(() -> {
        try {
          Thread.sleep(3000);
          shoot("cluster.png");
          Platform.runLater(() -> {
            ((TabPane) stage.getScene().lookup("#tabs")).getSelectionModel().select(1);
            @SuppressWarnings("unchecked")
            ComboBox<String> from = (ComboBox<String>) stage.getScene().lookup("#traceFrom");
            @SuppressWarnings("unchecked")
            ComboBox<String> to = (ComboBox<String>) stage.getScene().lookup("#traceTo");
            from.getSelectionModel().select("pod/default/client");
            to.getEditor().setText("pod/default/app:80/tcp");
            ((Button) stage.getScene().lookup("#traceButton")).fire();
            for (int i = 0; i < 5; i++) {
              ((Button) stage.getScene().lookup("#stepForward")).fire();
            }
          });
          Thread.sleep(1500);
          shoot("trace.png");
        } catch (Exception e) {
          System.err.println("screenshot tour failed: " + e);
        } finally {
          Platform.exit();
        }
      }, "screenshot-tour");
      t.setDaemon(true);
      t.start();
    }
  }

  private static void shoot(String name) throws Exception {
    Path file = out.resolve(name);
    new ProcessBuilder("import", "-window", "root", file.toString()).inheritIO().start()
        .waitFor();
    System.out.println("wrote " + file);
  }
}
