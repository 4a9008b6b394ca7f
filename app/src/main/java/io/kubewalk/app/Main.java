package io.kubewalk.app;

import io.kubewalk.app.cli.KubewalkCommand;

/**
 * The jar's entry point. It does not extend {@code javafx.application.Application}, so the fat jar
 * starts without the JavaFX launcher checks; the GUI is started from here only when asked for.
 */
public final class Main {

  private Main() {}

  public static void main(String[] args) {
    System.exit(KubewalkCommand.execute(args, System.out, System.err));
  }
}
