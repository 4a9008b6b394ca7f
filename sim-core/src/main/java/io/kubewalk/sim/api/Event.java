package io.kubewalk.sim.api;

/** A Kubernetes event as {@code kubectl describe} lists it. */
public record Event(String type, String reason, String from, String message) {}
