package io.kubewalk.sim.net.ipvs;

import io.kubewalk.sim.net.Ip;

/** An IPVS destination ({@code -> RemoteAddress:Port Forward Weight ActiveConn InActConn}). */
public record RealServer(
    Ip address, int port, int weight, Forward forward, int activeConns, int inactiveConns) {

  /** The forwarding method; kube-proxy always uses masquerading (NAT). */
  public enum Forward {
    MASQ("Masq"),
    LOCAL("Local"),
    TUNNEL("Tunnel"),
    ROUTE("Route");

    private final String text;

    Forward(String text) {
      this.text = text;
    }

    /** As ipvsadm's fwd_name() prints it. */
    public String text() {
      return text;
    }
  }

  public RealServer {
    if (port < 0 || port > 65535 || weight < 0) {
      throw new IllegalArgumentException("bad real server " + address + ":" + port + " w" + weight);
    }
  }

  /** A real server as kube-proxy adds it: weight 1, Masq. */
  public static RealServer of(Ip address, int port) {
    return new RealServer(address, port, 1, Forward.MASQ, 0, 0);
  }

  @Override
  public String toString() {
    return address + ":" + port;
  }
}
