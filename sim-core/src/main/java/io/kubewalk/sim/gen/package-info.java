/**
 * Scenario generators: write large, realistic, deterministic scenario files (a kind Cluster
 * document, Namespaces, Deployments and the Services that select them) for scale tests, such as a
 * cluster at Kubernetes' documented limits. Generators write text only; they do not load it.
 */
package io.kubewalk.sim.gen;
