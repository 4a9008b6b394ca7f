package io.kubewalk.sim.net;

import inet.ipaddr.AddressStringException;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import inet.ipaddr.IPAddressStringParameters;

/**
 * An IPv4 address. Parsed with the ipaddress library (never through DNS), held as an int so
 * that lookups on the packet path cost nothing. {@link #toString()} is the dotted-quad text used
 * everywhere (JSON, shell output, UI).
 */
public record Ip(int bits) implements Comparable<Ip> {

  private static final IPAddressStringParameters STRICT =
      new IPAddressStringParameters.Builder()
          .allowEmpty(false)
          .allowSingleSegment(false)
          .allowPrefix(false)
          .allowMask(false)
          .allowWildcardedSeparator(false)
          .allow_inet_aton(false)
          .allowIPv6(false)
          .getIPv4AddressParametersBuilder()
          .allowLeadingZeros(false)
          .allowUnlimitedLeadingZeros(false)
          .allowPrefixLengthLeadingZeros(false)
          .getParentBuilder()
          .toParams();

  public static final Ip ANY = new Ip(0);
  public static final Ip LOOPBACK = new Ip(0x7f000001);

  /** Parses dotted-quad IPv4 text; throws {@link IllegalArgumentException} with the reason. */
  public static Ip parse(String text) {
    if (text == null) {
      throw new IllegalArgumentException("missing IPv4 address");
    }
    try {
      IPAddress a = new IPAddressString(text.trim(), STRICT).toAddress();
      if (!a.isIPv4() || a.isMultiple() || a.isPrefixed()) {
        throw new IllegalArgumentException("'" + text + "' is not a single IPv4 address");
      }
      return new Ip(a.toIPv4().intValue());
    } catch (AddressStringException e) {
      throw new IllegalArgumentException("'" + text + "' is not an IPv4 address");
    }
  }

  public static Ip of(int a, int b, int c, int d) {
    return new Ip((a & 0xff) << 24 | (b & 0xff) << 16 | (c & 0xff) << 8 | (d & 0xff));
  }

  public Ip plus(long n) {
    return new Ip((int) (Integer.toUnsignedLong(bits) + n));
  }

  public long unsigned() {
    return Integer.toUnsignedLong(bits);
  }

  public int octet(int i) {
    return (bits >>> (24 - 8 * i)) & 0xff;
  }

  public boolean isLoopback() {
    return octet(0) == 127;
  }

  @Override
  public int compareTo(Ip o) {
    return Integer.compareUnsigned(bits, o.bits);
  }

  @Override
  public String toString() {
    return octet(0) + "." + octet(1) + "." + octet(2) + "." + octet(3);
  }
}
