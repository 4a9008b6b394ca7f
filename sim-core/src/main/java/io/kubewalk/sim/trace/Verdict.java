package io.kubewalk.sim.trace;

/** How a trace ended. */
public enum Verdict {
  DELIVERED,
  REJECTED,
  DROPPED,
  NO_ROUTE,
  TTL_EXCEEDED,
  TIMEOUT
}
