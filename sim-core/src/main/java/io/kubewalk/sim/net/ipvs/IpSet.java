package io.kubewalk.sim.net.ipvs;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * An ipset as kube-proxy creates it: name, type, the comment kube-proxy keeps for it (used in the
 * iptables rules that match it, not stored in the kernel), and members in kube-proxy's entry
 * format ({@code 10.96.0.1,tcp:443}, {@code 30080}, {@code 10.244.1.3,tcp:80,10.244.1.3}).
 */
public record IpSet(String name, Type type, String comment, List<String> members) {

  /** The set types kube-proxy uses. */
  public enum Type {
    HASH_IP("hash:ip", 6),
    HASH_IP_PORT("hash:ip,port", 6),
    HASH_IP_PORT_IP("hash:ip,port,ip", 6),
    HASH_IP_PORT_NET("hash:ip,port,net", 8),
    BITMAP_PORT("bitmap:port", 4);

    private final String text;
    private final int revision;

    Type(String text, int revision) {
      this.text = text;
      this.revision = revision;
    }

    public String text() {
      return text;
    }

    public int revision() {
      return revision;
    }
  }

  public IpSet {
    members = List.copyOf(members);
  }

  public boolean isEmpty() {
    return members.isEmpty();
  }

  public boolean contains(String entry) {
    return members.contains(entry);
  }

  /** The set with members sorted as kube-proxy's sets.String.List() orders them. */
  public static IpSet sorted(String name, Type type, String comment, List<String> members) {
    List<String> m = new ArrayList<>(members.stream().distinct().toList());
    m.sort(Comparator.naturalOrder());
    return new IpSet(name, type, comment, m);
  }

  /** {@code ipset list NAME}, the header as ipset 7 prints it on Debian 12 (sizes elided). */
  public String list() {
    StringBuilder b = new StringBuilder();
    b.append("Name: ").append(name).append('\n');
    b.append("Type: ").append(type.text()).append('\n');
    b.append("Revision: ").append(type.revision()).append('\n');
    if (type == Type.BITMAP_PORT) {
      b.append("Header: range 0-65535\n");
    } else {
      b.append("Header: family inet hashsize 1024 maxelem 65536\n");
    }
    b.append("Number of entries: ").append(members.size()).append('\n');
    b.append("Members:\n");
    for (String m : members) {
      b.append(m).append('\n');
    }
    return b.toString();
  }
}
