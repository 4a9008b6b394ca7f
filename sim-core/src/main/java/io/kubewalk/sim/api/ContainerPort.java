package io.kubewalk.sim.api;

import io.kubewalk.sim.net.Protocol;

/** A port a container listens on; {@code name} may be null. */
public record ContainerPort(String name, int containerPort, Protocol protocol) {}
