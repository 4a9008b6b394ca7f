package io.kubewalk.sim.api;

import io.kubewalk.sim.net.Ip;

/** A host outside the cluster (a student's laptop, a load balancer) that can send packets. */
public record ExternalClient(String name, Ip ip) {}
