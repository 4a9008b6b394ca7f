/**
 * Kubernetes objects as immutable records, holding only what the network model needs. Fields the
 * control plane allocates (a pod's IP, a Service's clusterIP, a nodePort) are {@code null} in a
 * scenario as loaded and filled in by {@code io.kubewalk.sim.control}.
 */
package io.kubewalk.sim.api;
