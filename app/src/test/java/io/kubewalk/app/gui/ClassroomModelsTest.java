package io.kubewalk.app.gui;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubewalk.sim.Kubewalk;
import io.kubewalk.sim.control.ApiTimeline;
import java.io.ByteArrayInputStream;
import java.awt.image.BufferedImage;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** The font size, the PNG encoder and the API hub, without a toolkit. */
class ClassroomModelsTest {

  @Test
  void fontSizeStepsWithinBoundsAndResets() {
    FontSizeModel f = new FontSizeModel();
    assertThat(f.css()).isEqualTo("-fx-font-size: 13px;");
    assertThat(f.bigger()).isTrue();
    assertThat(f.size()).isEqualTo(14);
    for (int i = 0; i < 40; i++) {
      f.bigger();
    }
    assertThat(f.size()).isEqualTo(FontSizeModel.MAX);
    assertThat(f.bigger()).isFalse();
    assertThat(f.zoom()).isGreaterThan(2);
    for (int i = 0; i < 40; i++) {
      f.smaller();
    }
    assertThat(f.size()).isEqualTo(FontSizeModel.MIN);
    assertThat(f.reset()).isTrue();
    assertThat(f.size()).isEqualTo(13);
  }

  @Test
  void pngEncoderWritesAnImageThatImageIoReadsBack() throws Exception {
    int[] argb = {0xffff0000, 0xff00ff00, 0x800000ff, 0xffffffff, 0xff000000, 0x00000000};
    byte[] png = PngEncoder.encode(argb, 3, 2);
    BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
    assertThat(img.getWidth()).isEqualTo(3);
    assertThat(img.getHeight()).isEqualTo(2);
    for (int i = 0; i < argb.length; i++) {
      assertThat(img.getRGB(i % 3, i / 3)).as("pixel %d", i).isEqualTo(argb[i]);
    }
  }

  @Test
  void apiHubPutsTheApiserverInTheMiddleAndEtcdFirstAround() {
    var calls = Kubewalk.lesson("clusterip").apiTimeline();
    ApiHubModel m = new ApiHubModel(calls);
    var hub = m.spots().values().stream().filter(ApiHubModel.Spot::hub).findFirst()
        .orElseThrow();
    assertThat(hub.name()).startsWith("kube-apiserver@");
    assertThat(hub.x()).isEqualTo(0.5);
    assertThat(m.spots().values()).allSatisfy(sp -> assertThat(sp.x()).isBetween(0.1, 0.9));
    var around = m.spots().values().stream().filter(s -> !s.hub()).toList();
    assertThat(around.get(0).name()).startsWith("etcd@");
    assertThat(around).extracting(ApiHubModel.Spot::name).contains("kubectl")
        .anyMatch(n -> n.startsWith("kubelet@node01"));
    for (ApiTimeline.ApiCall c : calls) {
      assertThat(m.spots()).containsKeys(c.from(), c.to());
    }
    assertThat(m.details()).startsWith("Call 1 of " + calls.size()).contains("port 6443, HTTPS",
        "credential: client certificate CN=kubernetes-admin");
    while (m.forward()) {
      // to the last call
    }
    assertThat(m.index()).isEqualTo(calls.size() - 1);
    assertThat(ApiHubModel.label(calls.get(1))).startsWith(":2379 ");
    assertThat(m.lines()).hasSize(calls.size());
  }
}
