package io.kubewalk.app.gui;

import io.kubewalk.sim.Simulation;
import io.kubewalk.sim.control.ApiTimeline;
import javafx.animation.Animation;
import javafx.animation.KeyFrame;
import javafx.animation.KeyValue;
import javafx.animation.Timeline;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.control.Button;
import javafx.scene.control.ListView;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TextArea;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Pane;
import javafx.scene.paint.Color;
import javafx.scene.text.Font;
import javafx.scene.text.TextAlignment;
import javafx.util.Duration;

/**
 * The API calls tab: the kube-apiserver as the hub, every component around it, and the calls of
 * applying the scenario played one by one as an arrow growing from caller to callee, labelled
 * with port, protocol and verb; the list and the details show the credential.
 */
final class ApiHubPane extends BorderPane {

  private final Canvas canvas = new Canvas(600, 600);
  private double zoom = 1;
  private final ListView<String> list = new ListView<>();
  private final TextArea details = new TextArea();
  private final DoubleProperty progress = new SimpleDoubleProperty(1);
  private final Timeline grow = new Timeline(
      new KeyFrame(Duration.ZERO, new KeyValue(progress, 0)),
      new KeyFrame(Duration.millis(600), new KeyValue(progress, 1)));
  private final Timeline player = new Timeline(new KeyFrame(Duration.millis(1400),
      e -> step(1)));
  private ApiHubModel model;
  private boolean updating;

  ApiHubPane() {
    canvas.setId("apiCanvas");
    list.setId("apiCalls");
    list.getStyleClass().add("mono");
    details.setId("apiDetails");
    details.setEditable(false);
    details.setWrapText(true);
    details.getStyleClass().add("mono");
    player.setCycleCount(Animation.INDEFINITE);
    progress.addListener((o, a, b) -> draw());
    Button back = new Button("◀ Back");
    back.setOnAction(e -> step(-1));
    Button fwd = new Button("Next call ▶");
    fwd.setId("apiNext");
    fwd.setOnAction(e -> step(1));
    Button play = new Button("Play / Pause");
    play.setOnAction(e -> {
      if (player.getStatus() == Animation.Status.RUNNING) {
        player.stop();
      } else {
        player.play();
      }
    });
    HBox controls = new HBox(8, back, fwd, play);
    controls.setAlignment(Pos.CENTER_LEFT);
    controls.setPadding(new Insets(8, 0, 0, 0));
    SplitPane side = new SplitPane(list, details);
    side.setOrientation(Orientation.VERTICAL);
    side.setDividerPositions(0.6);
    Pane pic = new Pane(canvas);
    pic.setMinSize(0, 0);
    canvas.widthProperty().bind(pic.widthProperty());
    canvas.heightProperty().bind(pic.heightProperty());
    canvas.widthProperty().addListener((o, a, b) -> draw());
    canvas.heightProperty().addListener((o, a, b) -> draw());
    SplitPane split = new SplitPane(pic, side);
    split.setDividerPositions(0.62);
    setCenter(split);
    setBottom(controls);
    setPadding(new Insets(8));
    list.getSelectionModel().selectedIndexProperty().addListener((o, a, b) -> {
      if (!updating && model != null && b.intValue() >= 0 && b.intValue() != model.index()) {
        model.jump(b.intValue());
        refresh(true);
      }
    });
  }

  void show(Simulation sim) {
    player.stop();
    model = sim == null ? null : new ApiHubModel(sim.apiTimeline());
    updating = true;
    list.getItems().setAll(model == null ? java.util.List.of() : model.lines());
    updating = false;
    refresh(false);
  }

  private void step(int d) {
    if (model == null) {
      return;
    }
    boolean moved = d > 0 ? model.forward() : model.back();
    if (!moved) {
      player.stop();
    }
    refresh(moved && d > 0);
  }

  private void refresh(boolean animate) {
    if (model != null && model.current() != null) {
      updating = true;
      list.getSelectionModel().select(model.index());
      updating = false;
      list.scrollTo(Math.max(0, model.index() - 3));
      details.setText(model.details());
    } else {
      details.clear();
    }
    if (animate) {
      grow.playFromStart();
    } else {
      grow.stop();
      progress.set(1);
      draw();
    }
  }

  void zoom(double z) {
    zoom = z;
    draw();
  }

  ApiHubModel model() {
    return model;
  }

  private void draw() {
    GraphicsContext g = canvas.getGraphicsContext2D();
    g.setFill(Color.WHITE);
    g.fillRect(0, 0, canvas.getWidth(), canvas.getHeight());
    if (model == null) {
      return;
    }
    double cw = canvas.getWidth();
    double ch = canvas.getHeight();
    ApiTimeline.ApiCall cur = model.current();
    ApiHubModel.Spot hub = model.spots().values().stream().filter(ApiHubModel.Spot::hub)
        .findFirst().orElse(null);
    g.setLineWidth(1);
    g.setStroke(Color.web("#cfd8dc"));
    for (ApiHubModel.Spot s : model.spots().values()) {
      if (hub != null && !s.hub()) {
        g.strokeLine(hub.x() * cw, hub.y() * ch, s.x() * cw, s.y() * ch);
      }
    }
    if (cur != null) {
      ApiHubModel.Spot a = model.spots().get(cur.from());
      ApiHubModel.Spot b = model.spots().get(cur.to());
      if (a != null && b != null) {
        double p = progress.get();
        double ax = a.x() * cw;
        double ay = a.y() * ch;
        double bx = b.x() * cw;
        double by = b.y() * ch;
        double x = ax + (bx - ax) * p;
        double y = ay + (by - ay) * p;
        Color c = cur.port() == 2379 ? Color.web("#2e7d32") : cur.port() == 10250
            ? Color.web("#c62828") : Color.web("#1565c0");
        g.setStroke(c);
        g.setFill(c);
        g.setLineWidth(3);
        g.strokeLine(ax, ay, x, y);
        double ang = Math.atan2(by - ay, bx - ax);
        g.fillPolygon(new double[] {x, x - 14 * Math.cos(ang - 0.4), x - 14 * Math.cos(ang + 0.4)},
            new double[] {y, y - 14 * Math.sin(ang - 0.4), y - 14 * Math.sin(ang + 0.4)}, 3);
        g.setFont(Font.font(13 * zoom));
        g.setTextAlign(TextAlignment.CENTER);
        g.setFill(Color.BLACK);
        double mx = (ax + bx) / 2;
        double my = (ay + by) / 2;
        g.fillText(":" + cur.port() + " " + cur.protocol(), mx, my - 8 * zoom);
        g.fillText(cur.verb() + " " + shorten(cur.resource(), 40), mx, my + 10 * zoom);
        g.setFill(Color.web("#455a64"));
        g.fillText(shorten(cur.credential(), 90), cw / 2, ch - 10);
      }
    }
    g.setTextAlign(TextAlignment.CENTER);
    g.setLineWidth(1.5);
    for (ApiHubModel.Spot s : model.spots().values()) {
      boolean active = cur != null && (s.name().equals(cur.from()) || s.name().equals(cur.to()));
      double w = (s.hub() ? 170 : 150) * zoom;
      double h = 34 * zoom;
      double sx = s.x() * cw;
      double sy = s.y() * ch;
      g.setFill(s.hub() ? Color.web("#e3f2fd") : active ? Color.web("#fff3e0")
          : Color.web("#fafafa"));
      g.fillRoundRect(sx - w / 2, sy - h / 2, w, h, 10, 10);
      g.setStroke(active ? Color.web("#e65100") : Color.web("#607d8b"));
      g.strokeRoundRect(sx - w / 2, sy - h / 2, w, h, 10, 10);
      g.setFill(Color.BLACK);
      g.setFont(Font.font(12 * zoom));
      String[] parts = s.name().split("@", 2);
      g.fillText(parts[0], sx, sy - (parts.length > 1 ? 2 : -4) * zoom);
      if (parts.length > 1) {
        g.setFont(Font.font(10 * zoom));
        g.fillText("@" + parts[1], sx, sy + 12 * zoom);
      }
    }
  }

  private static String shorten(String s, int n) {
    return s == null ? "" : s.length() <= n ? s : s.substring(0, n - 1) + "…";
  }
}
