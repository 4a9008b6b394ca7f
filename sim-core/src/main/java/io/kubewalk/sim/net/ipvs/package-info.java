/** The kernel's IPVS state (virtual services, real servers, connection table) and ipsets, with the {@code ipvsadm} and {@code ipset list} renderings and the scheduler evaluator. Knows nothing of Kubernetes. */
package io.kubewalk.sim.net.ipvs;
