package io.kubewalk.sim.scenario;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** The text of one scenario file (or built-in lesson) and the name used in error locations. */
public record ScenarioSource(String name, String text) {

  /** Files larger than this are refused before they are read. */
  public static final long MAX_BYTES = 64L << 20;

  public static ScenarioSource file(Path path) {
    String name = path.toString();
    try {
      long size = Files.size(path);
      if (size > MAX_BYTES) {
        throw new ScenarioException(Location.of(name), "file is " + (size >> 20)
            + " MiB (expected at most " + (MAX_BYTES >> 20) + " MiB)");
      }
      return new ScenarioSource(name, Files.readString(path, StandardCharsets.UTF_8));
    } catch (NoSuchFileException e) {
      throw new ScenarioException(Location.of(name), "no such file or built-in lesson"
          + " (expected a scenario file or one of: " + String.join(", ", Lessons.names()) + ")");
    } catch (IOException | java.io.UncheckedIOException e) {
      throw new ScenarioException(Location.of(name), "cannot read the file: " + e.getMessage());
    }
  }

  public static ScenarioSource lesson(String name) {
    if (!Lessons.exists(name)) {
      throw new ScenarioException(Location.of(name), "no built-in lesson '" + name
          + "' (expected one of: " + String.join(", ", Lessons.names()) + ")");
    }
    try (InputStream in = Lessons.class.getResourceAsStream("/io/kubewalk/sim/lessons/" + name
        + ".yaml")) {
      return new ScenarioSource("lesson:" + name,
          new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
