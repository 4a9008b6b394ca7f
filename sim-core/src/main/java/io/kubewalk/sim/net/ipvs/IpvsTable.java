package io.kubewalk.sim.net.ipvs;

import io.kubewalk.sim.net.Ip;
import io.kubewalk.sim.net.Protocol;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The kernel's IPVS state in one network namespace: virtual services keyed by (protocol,
 * address, port) and the connection table. Renders {@code ipvsadm -Ln}, {@code --stats} and
 * {@code -Lnc}.
 */
public final class IpvsTable {

  private final Map<VirtualServer.Key, VirtualServer> services = new TreeMap<>();

  /** Adds (or replaces) a virtual service, as {@code ipvsadm -A} / {@code -E} would. */
  public void put(VirtualServer vs) {
    services.put(vs.key(), vs);
  }

  public VirtualServer lookup(Protocol proto, Ip address, int port) {
    return services.get(new VirtualServer.Key(proto, address, port));
  }

  /** Virtual services in ipvsadm's sort order. */
  public List<VirtualServer> services() {
    return List.copyOf(services.values());
  }

  /** {@code ipvsadm -Ln}. */
  public String list() {
    StringBuilder b = new StringBuilder();
    b.append("IP Virtual Server version 1.2.1 (size=4096)\n");
    b.append("Prot LocalAddress:Port Scheduler Flags\n");
    b.append("  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n");
    for (VirtualServer vs : services.values()) {
      b.append(vs.listLine()).append('\n');
      for (RealServer rs : vs.sortedRealServers()) {
        b.append(String.format(Locale.ROOT, "  -> %-28s %-7s %-6d %-10d %-10d\n",
            rs.toString(), rs.forward().text(), rs.weight(), rs.activeConns(),
            rs.inactiveConns()));
      }
    }
    return b.toString();
  }

  /** {@code ipvsadm -Ln --stats} (counters are zero: the model keeps no packet counters). */
  public String listStats() {
    StringBuilder b = new StringBuilder();
    b.append("IP Virtual Server version 1.2.1 (size=4096)\n");
    b.append(String.format(Locale.ROOT, "%-33s %8s %8s %8s %8s %8s\n",
        "Prot LocalAddress:Port", "Conns", "InPkts", "OutPkts", "InBytes", "OutBytes"));
    b.append("  -> RemoteAddress:Port\n");
    for (VirtualServer vs : services.values()) {
      b.append(String.format(Locale.ROOT, "%-33s%9d%9d%9d%9d%9d\n", vs.key(), 0, 0, 0, 0, 0));
      for (RealServer rs : vs.sortedRealServers()) {
        b.append(String.format(Locale.ROOT, "  -> %-28s%9d%9d%9d%9d%9d\n", rs, 0, 0, 0, 0, 0));
      }
    }
    return b.toString();
  }

  /** {@code ipvsadm -Lnc} for these connection entries. */
  public static String listConnections(List<ConnectionEntry> connections) {
    return listConnectionLines(connections.stream().map(ConnectionEntry::line).toList());
  }

  /** {@code ipvsadm -Lnc} for entries already rendered by {@link ConnectionEntry#line()}. */
  public static String listConnectionLines(List<String> lines) {
    StringBuilder b = new StringBuilder("IPVS connection entries\n");
    b.append(String.format(Locale.ROOT, "pro expire %-11s %-18s %-18s %s\n",
        "state", "source", "virtual", "destination"));
    lines.forEach(l -> b.append(l).append('\n'));
    return b.toString();
  }
}
