package io.kubewalk.sim.net.netfilter;

import io.kubewalk.sim.net.Ip;
import io.kubewalk.sim.net.Packet;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.Predicate;

/**
 * What the netfilter evaluator sees of a packet besides its headers: interfaces (null when not
 * known at that hook, as for the input interface in OUTPUT), the conntrack state, whether it is
 * being bridged (for {@code physdev}), the namespace's local addresses (for {@code addrtype
 * LOCAL}), the {@code recent} module's lists, and the current time in seconds.
 */
public record PacketContext(
    Packet packet,
    String inInterface,
    String outInterface,
    Set<CtState> ctState,
    boolean bridged,
    Predicate<Ip> isLocal,
    RecentLists recent,
    long nowSeconds) {

  public PacketContext {
    if (packet == null) {
      throw new IllegalArgumentException("no packet");
    }
    ctState = ctState.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(ctState));
    isLocal = isLocal == null ? ip -> false : isLocal;
    recent = recent == null ? new RecentLists() : recent;
  }

  /** A NEW connection's first packet. */
  public static PacketContext of(Packet p, String in, String out, Predicate<Ip> isLocal) {
    return new PacketContext(p, in, out, Set.of(CtState.NEW), false, isLocal, new RecentLists(), 0);
  }

  public PacketContext withPacket(Packet p) {
    return new PacketContext(p, inInterface, outInterface, ctState, bridged, isLocal, recent,
        nowSeconds);
  }

  public PacketContext withCtState(Set<CtState> s) {
    return new PacketContext(packet, inInterface, outInterface, s, bridged, isLocal, recent,
        nowSeconds);
  }

  public PacketContext withRecent(RecentLists r) {
    return new PacketContext(packet, inInterface, outInterface, ctState, bridged, isLocal, r,
        nowSeconds);
  }
}
