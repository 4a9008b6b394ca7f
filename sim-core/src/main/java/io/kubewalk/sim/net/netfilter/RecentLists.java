package io.kubewalk.sim.net.netfilter;

import io.kubewalk.sim.net.Ip;
import java.util.Map;
import java.util.TreeMap;

/**
 * The kernel's {@code xt_recent} lists of one namespace: list name to address to the time (in
 * seconds) it was last set. Mutable, as the kernel's are; {@link #copy()} for what-if runs.
 */
public final class RecentLists {

  private final Map<String, Map<Ip, Long>> lists = new TreeMap<>();

  public void set(String name, Ip ip, long now) {
    lists.computeIfAbsent(name, k -> new TreeMap<>()).put(ip, now);
  }

  /** {@code --rcheck --seconds S}: seen within the last S seconds (any time when S is null). */
  public boolean check(String name, Ip ip, Integer seconds, long now) {
    Map<Ip, Long> m = lists.get(name);
    Long t = m == null ? null : m.get(ip);
    return t != null && (seconds == null || now - t <= seconds);
  }

  public void remove(String name, Ip ip) {
    Map<Ip, Long> m = lists.get(name);
    if (m != null) {
      m.remove(ip);
    }
  }

  public RecentLists copy() {
    RecentLists r = new RecentLists();
    lists.forEach((n, m) -> r.lists.put(n, new TreeMap<>(m)));
    return r;
  }

  @Override
  public String toString() {
    return lists.toString();
  }
}
