package io.kubewalk.sim.net.ipvs;

import io.kubewalk.sim.net.Ip;
import io.kubewalk.sim.net.Protocol;
import java.util.Locale;

/** One IPVS connection-table entry, as {@code ipvsadm -Lnc} lists it. */
public record ConnectionEntry(
    Protocol protocol,
    int expiresSeconds,
    String state,
    Ip client,
    int clientPort,
    Ip virtualAddress,
    int virtualPort,
    Ip destination,
    int destinationPort) {

  /** The line as ipvsadm prints it ({@code "%-3s %02d:%02d  %-11s %-18s %-18s %s"}). */
  public String line() {
    return String.format(Locale.ROOT, "%-3s %02d:%02d  %-11s %-18s %-18s %s",
        protocol.name(), expiresSeconds / 60, expiresSeconds % 60, state,
        client + ":" + clientPort, virtualAddress + ":" + virtualPort,
        destination + ":" + destinationPort);
  }
}
