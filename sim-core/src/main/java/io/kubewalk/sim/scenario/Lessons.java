package io.kubewalk.sim.scenario;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The built-in lessons: resources under {@code /io/kubewalk/sim/lessons/}, listed in index.txt. */
public final class Lessons {

  private static volatile List<LessonInfo> cache;

  private Lessons() {}

  public static List<LessonInfo> list() {
    List<LessonInfo> l = cache;
    if (l == null) {
      List<LessonInfo> out = new ArrayList<>();
      for (String name : names()) {
        out.add(new LessonInfo(name, ScenarioLoader.load(List.of(ScenarioSource.lesson(name)))
            .title()));
      }
      l = cache = List.copyOf(out);
    }
    return l;
  }

  public static List<String> names() {
    try (InputStream in = Lessons.class.getResourceAsStream("/io/kubewalk/sim/lessons/index.txt");
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      return r.lines().map(String::trim).filter(s -> !s.isEmpty() && !s.startsWith("#"))
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static boolean exists(String name) {
    return names().contains(name);
  }
}
