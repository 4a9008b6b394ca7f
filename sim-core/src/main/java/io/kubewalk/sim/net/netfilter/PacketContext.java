package io.kubewalk.sim.net.netfilter;

import io.kubewalk.sim.net.Ip;
import io.kubewalk.sim.net.Packet;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * What the netfilter evaluator sees of a packet besides its headers: interfaces (null when not
 * known at that hook, as for the input interface in OUTPUT), the conntrack state, whether it is
 * being bridged (for {@code physdev}), the namespace's local addresses (for {@code addrtype
 * LOCAL}), the {@code recent} module's lists, the current time in seconds, and the ipsets the
 * {@code set} match consults.
 */
public record PacketContext(
    Packet packet,
    String inInterface,
    String outInterface,
    Set<CtState> ctState,
    boolean bridged,
    Predicate<Ip> isLocal,
    RecentLists recent,
    long nowSeconds,
    IpSets ipsets) {

  /** The ipsets of the namespace: is the packet (by {@code src}/{@code dst} flags) in a set? */
  @FunctionalInterface
  public interface IpSets {
    IpSets NONE = (set, packet, dirs) -> false;

    boolean contains(String set, Packet packet, List<String> dirs);
  }

  public PacketContext {
    if (packet == null) {
      throw new IllegalArgumentException("no packet");
    }
    ctState = ctState.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(ctState));
    isLocal = isLocal == null ? ip -> false : isLocal;
    recent = recent == null ? new RecentLists() : recent;
    ipsets = ipsets == null ? IpSets.NONE : ipsets;
  }

  /** A NEW connection's first packet. */
  public static PacketContext of(Packet p, String in, String out, Predicate<Ip> isLocal) {
    return new PacketContext(p, in, out, Set.of(CtState.NEW), false, isLocal, new RecentLists(), 0,
        IpSets.NONE);
  }

  public PacketContext withPacket(Packet p) {
    return new PacketContext(p, inInterface, outInterface, ctState, bridged, isLocal, recent,
        nowSeconds, ipsets);
  }

  public PacketContext withCtState(Set<CtState> s) {
    return new PacketContext(packet, inInterface, outInterface, s, bridged, isLocal, recent,
        nowSeconds, ipsets);
  }

  public PacketContext withRecent(RecentLists r) {
    return new PacketContext(packet, inInterface, outInterface, ctState, bridged, isLocal, r,
        nowSeconds, ipsets);
  }

  public PacketContext withIpSets(IpSets s) {
    return new PacketContext(packet, inInterface, outInterface, ctState, bridged, isLocal, recent,
        nowSeconds, s);
  }

  public PacketContext withBridged(boolean b) {
    return new PacketContext(packet, inInterface, outInterface, ctState, b, isLocal, recent,
        nowSeconds, ipsets);
  }
}
