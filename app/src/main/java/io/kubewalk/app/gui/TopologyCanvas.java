package io.kubewalk.app.gui;

import io.kubewalk.sim.trace.Step;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.paint.Color;
import javafx.scene.text.Font;
import javafx.scene.text.TextAlignment;

/**
 * Draws a {@link TopologyLayout} and, when given one, the packet at a trace step: the box the
 * step happened in is filled, and the packet is a dot on it. It keeps no state of its own beyond
 * what it was last asked to draw.
 */
final class TopologyCanvas extends Canvas {

  private TopologyLayout layout;
  private Step step;
  private boolean reply;

  void show(TopologyLayout l, Step s, boolean isReply) {
    this.layout = l;
    this.step = s;
    this.reply = isReply;
    if (l != null) {
      setWidth(l.width());
      setHeight(l.height());
    }
    redraw();
  }

  private void redraw() {
    GraphicsContext g = getGraphicsContext2D();
    g.setFill(Color.WHITE);
    g.fillRect(0, 0, getWidth(), getHeight());
    if (layout == null) {
      return;
    }
    TopologyLayout.Box here = step == null ? null
        : layout.boxFor(step.node(), step.netns(), step.device());
    g.setLineWidth(1.5);
    for (TopologyLayout.Line line : layout.lines()) {
      TopologyLayout.Box a = layout.boxes().get(line.from());
      TopologyLayout.Box b = layout.boxes().get(line.to());
      g.setStroke(Color.GRAY);
      g.setLineDashes(line.dashed() ? 6 : 0);
      g.strokeLine(a.cx(), a.cy(), b.cx(), b.cy());
    }
    g.setLineDashes(0);
    g.setTextAlign(TextAlignment.CENTER);
    g.setFont(Font.font(12));
    java.util.List<TopologyLayout.Box> ordered = layout.boxes().values().stream()
        .sorted(java.util.Comparator.comparingInt(b -> java.util.List.of("network", "node",
            "device", "pod").indexOf(b.kind()))).toList();
    for (TopologyLayout.Box b : ordered) {
      boolean node = b.kind().equals("node");
      Color fill = b == here ? (reply ? Color.web("#e1bee7") : Color.web("#ffcc80")) : node ? Color.web("#eef3fb")
          : b.kind().equals("pod") ? Color.web("#e8f5e9") : b.kind().equals("network")
          ? Color.web("#f3e5f5") : Color.web("#fffde7");
      g.setFill(fill);
      g.fillRoundRect(b.x(), b.y(), b.w(), b.h(), 8, 8);
      g.setStroke(b == here ? (reply ? Color.web("#6a1b9a") : Color.web("#e65100"))
          : Color.web("#607d8b"));
      g.setLineWidth(b == here ? 3 : 1);
      g.strokeRoundRect(b.x(), b.y(), b.w(), b.h(), 8, 8);
      g.setFill(Color.BLACK);
      if (node) {
        g.fillText(b.label(), b.cx(), b.y() + 16);
      } else {
        g.fillText(b.label(), b.cx(), b.cy() + (b.label().contains("\n") ? -3 : 4));
      }
    }
    if (here != null) {
      g.setFill(reply ? Color.web("#6a1b9a") : Color.web("#d50000"));
      g.fillOval(here.x() + here.w() - 14, here.y() - 6, 12, 12);
      if (reply) {
        g.setFont(Font.font(11));
        g.fillText("reply", here.x() + here.w() - 8, here.y() - 9);
      }
    }
  }
}
