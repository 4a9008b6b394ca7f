package io.kubewalk.sim.scenario;

/** A built-in lesson: its name (for {@code --scenario}) and title. */
public record LessonInfo(String name, String title) {}
