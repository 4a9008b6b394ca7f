package io.kubewalk.app.gui;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javafx.application.Platform;

/** For the hand-run GUI mains (screenshots, frame timing): run on the FX thread, wait for it. */
final class FxWait {

  private FxWait() {}

  /** Polls {@code ready} on the FX thread every 100 ms for up to {@code seconds}. */
  static void until(BooleanSupplier ready, int seconds) throws Exception {
    for (int i = 0; i < seconds * 10; i++) {
      boolean[] ok = new boolean[1];
      fx(() -> ok[0] = ready.getAsBoolean());
      if (ok[0]) {
        return;
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("the app did not get ready in " + seconds + " s");
  }

  /** Runs {@code r} on the FX thread and waits (at most 30 s) for it to finish. */
  static void fx(Runnable r) throws InterruptedException {
    CountDownLatch done = new CountDownLatch(1);
    Platform.runLater(() -> {
      try {
        r.run();
      } finally {
        done.countDown();
      }
    });
    done.await(30, TimeUnit.SECONDS);
  }
}
