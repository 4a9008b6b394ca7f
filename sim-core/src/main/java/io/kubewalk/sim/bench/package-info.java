/** {@code kubewalk bench}: load, reconcile, dataplane, rule rendering and trace latency at scale. */
package io.kubewalk.sim.bench;
