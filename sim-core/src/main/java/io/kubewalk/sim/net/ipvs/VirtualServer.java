package io.kubewalk.sim.net.ipvs;

import io.kubewalk.sim.net.Ip;
import io.kubewalk.sim.net.Protocol;
import java.util.Comparator;
import java.util.List;

/**
 * An IPVS virtual service: address, port, protocol, scheduler, flags and the persistence timeout
 * used for session affinity, with its real servers.
 */
public record VirtualServer(
    Ip address,
    int port,
    Protocol protocol,
    String scheduler,
    boolean persistent,
    int timeoutSeconds,
    boolean sourceHashFlag,
    List<RealServer> realServers) {

  /** The lookup key of the kernel's service table: protocol, address, port. */
  public record Key(Protocol protocol, Ip address, int port) implements Comparable<Key> {
    @Override
    public int compareTo(Key o) {
      // ipvsadm's ipvs_cmp_services: protocol, then address, then port
      return Comparator.comparingInt((Key k) -> k.protocol.number())
          .thenComparing(Key::address)
          .thenComparingInt(Key::port)
          .compare(this, o);
    }

    @Override
    public String toString() {
      return protocol.name() + "  " + address + ":" + port;
    }
  }

  public VirtualServer {
    realServers = List.copyOf(realServers);
    if (scheduler == null || scheduler.isEmpty()) {
      throw new IllegalArgumentException("virtual server needs a scheduler");
    }
  }

  public Key key() {
    return new Key(protocol, address, port);
  }

  public VirtualServer withRealServers(List<RealServer> rs) {
    return new VirtualServer(address, port, protocol, scheduler, persistent, timeoutSeconds,
        sourceHashFlag, rs);
  }

  /** Real servers in ipvsadm's order (ipvs_cmp_dests: address, then port). */
  public List<RealServer> sortedRealServers() {
    return realServers.stream()
        .sorted(Comparator.comparing(RealServer::address).thenComparingInt(RealServer::port))
        .toList();
  }

  /** The {@code ipvsadm -Ln} line of this service, e.g. {@code TCP  10.96.0.1:443 rr}. */
  public String listLine() {
    StringBuilder b = new StringBuilder(key().toString()).append(' ').append(scheduler);
    if (sourceHashFlag) {
      // IP_VS_SVC_F_SCHED2, printed by ipvsadm's print_sched_flags() for mh as "mh-port"
      b.append(" (").append(scheduler).append("-port)");
    }
    if (persistent) {
      b.append(" persistent ").append(timeoutSeconds);
    }
    return b.toString();
  }
}
