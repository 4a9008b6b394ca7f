package io.kubewalk.app.gui;

import javafx.application.Application;

/** Starts the desktop app; reports a missing display in one line instead of a stack trace. */
public final class GuiLauncher {

  private static final java.util.logging.Logger QUIET =
      java.util.logging.Logger.getLogger("javafx");

  private GuiLauncher() {}

  /** Opens the app on a lesson name or scenario file; returns the process exit code. */
  public static int launch(String scenario) {
    // JavaFX warns that it runs from the classpath (the fat jar); that is intended here.
    QUIET.setLevel(java.util.logging.Level.SEVERE);
    try {
      Application.launch(KubewalkApp.class, scenario);
      return 0;
    } catch (UnsupportedOperationException | IllegalStateException e) {
      System.err.println("kubewalk: cannot open the desktop app (" + e.getMessage() + ")."
          + " Is a display available? Use the CLI instead: kubewalk --help");
      return 1;
    } catch (RuntimeException e) {
      Throwable c = e.getCause() != null ? e.getCause() : e;
      System.err.println("kubewalk: cannot open the desktop app: " + c.getMessage()
          + ". Use the CLI instead: kubewalk --help");
      return 1;
    }
  }
}
