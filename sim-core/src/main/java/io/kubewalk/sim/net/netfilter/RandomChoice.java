package io.kubewalk.sim.net.netfilter;

import java.util.SplittableRandom;

/** Resolves {@code -m statistic --mode random} matches: true means the rule matches. */
public interface RandomChoice {

  boolean take(double probability);

  /** Deterministic for a seed. */
  static RandomChoice seeded(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    return p -> r.nextDouble() < p;
  }
}
