/** Connection tracking of one network namespace: entries with original and reply tuples. */
package io.kubewalk.sim.net.conntrack;
