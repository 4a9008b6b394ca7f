package io.kubewalk.sim.net;

/** An address assigned to an interface with its prefix length: {@code 172.17.0.1/24}. */
public record IfAddr(Ip ip, int prefix) {

  public IfAddr {
    if (prefix < 0 || prefix > 32) {
      throw new IllegalArgumentException("prefix length " + prefix + " is not in 0-32");
    }
  }

  public static IfAddr parse(String text) {
    return Cidr.parseInterface(text);
  }

  public Cidr network() {
    return Cidr.of(ip, prefix);
  }

  public Ip broadcast() {
    return network().broadcast();
  }

  @Override
  public String toString() {
    return ip + "/" + prefix;
  }
}
