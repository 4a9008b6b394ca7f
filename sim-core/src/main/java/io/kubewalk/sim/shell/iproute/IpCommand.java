package io.kubewalk.sim.shell.iproute;

import io.kubewalk.sim.net.IfAddr;
import io.kubewalk.sim.net.Ip;
import io.kubewalk.sim.net.ns.Link;
import io.kubewalk.sim.net.ns.NetNamespace;
import io.kubewalk.sim.net.ns.Route;
import io.kubewalk.sim.net.ns.RouteLookup;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.ToIntFunction;

/**
 * {@code ip} and {@code bridge} from iproute2 6.1 (Debian 12), rendering a {@link NetNamespace}
 * as the real tools print it, trailing spaces included: {@code ip addr}, {@code ip -br addr},
 * {@code ip addr show DEV|type T}, {@code ip link}, {@code ip route}, {@code ip route show table
 * local}, {@code ip route get IP}, {@code ip neigh}, {@code bridge fdb}.
 */
public final class IpCommand {

  /** Output and exit status of one command. */
  public record Result(String out, String err, int exitCode) {}

  private final NetNamespace ns;
  private final ToIntFunction<Link> netnsId;

  /**
   * @param netnsId the {@code link-netnsid} of a veth's peer namespace as seen from {@code ns}
   */
  public IpCommand(NetNamespace ns, ToIntFunction<Link> netnsId) {
    this.ns = ns;
    this.netnsId = netnsId;
  }

  public static final String SUPPORTED = "ip addr|ip -br addr|ip addr show DEV|ip addr show type"
      + " bridge|ip link|ip route|ip route show table local|ip route get IP|ip neigh|bridge fdb";

  /** Runs {@code ip ...} or {@code bridge ...}; argv includes the program name. */
  public Result run(List<String> argv) {
    if (argv.isEmpty()) {
      return unsupported(argv);
    }
    List<String> a = new ArrayList<>(argv);
    String prog = a.remove(0);
    boolean brief = a.remove("-br") | a.remove("-brief");
    boolean v4 = a.remove("-4");
    if (prog.equals("bridge")) {
      if (a.isEmpty() || !a.get(0).equals("fdb")) {
        return unsupported(argv);
      }
      return ok(fdb(a.size() >= 4 && a.get(1).equals("show") && a.get(2).equals("dev")
          ? a.get(3) : null));
    }
    if (!prog.equals("ip") || a.isEmpty()) {
      return unsupported(argv);
    }
    String obj = a.remove(0);
    if (!a.isEmpty() && (a.get(0).equals("show") || a.get(0).equals("list")
        || a.get(0).equals("ls"))) {
      a.remove(0);
    }
    switch (obj) {
      case "a", "addr", "address" -> {
        String type = null;
        String dev = null;
        for (int i = 0; i < a.size(); i++) {
          if (a.get(i).equals("type") && i + 1 < a.size()) {
            type = a.get(++i);
          } else if (a.get(i).equals("dev") && i + 1 < a.size()) {
            dev = a.get(++i);
          } else {
            dev = a.get(i);
          }
        }
        if (dev != null && ns.link(dev).isEmpty()) {
          return new Result("", "Device \"" + dev + "\" does not exist.\n", 1);
        }
        return ok(addr(dev, type, brief, v4));
      }
      case "l", "link" -> {
        String dev = a.isEmpty() ? null : a.get(a.size() - 1);
        if (dev != null && ns.link(dev).isEmpty()) {
          return new Result("", "Device \"" + dev + "\" does not exist.\n", 1);
        }
        return ok(link(dev, brief));
      }
      case "r", "route", "ro" -> {
        if (!a.isEmpty() && a.get(0).equals("get")) {
          if (a.size() < 2) {
            return new Result("", "Error: any valid prefix is expected rather than \"\".\n", 1);
          }
          return routeGet(a.get(1));
        }
        if (a.size() >= 2 && a.get(0).equals("table") && a.get(1).equals("local")) {
          return ok(routes("local"));
        }
        if (!a.isEmpty() && !(a.size() >= 2 && a.get(0).equals("table")
            && a.get(1).equals("main"))) {
          return unsupported(argv);
        }
        return ok(routes("main"));
      }
      case "n", "neigh", "neighbour", "neighbor" -> {
        return ok(neigh());
      }
      default -> {
        return unsupported(argv);
      }
    }
  }

  private static Result ok(String out) {
    return new Result(out, "", 0);
  }

  private static Result unsupported(List<String> argv) {
    return new Result("", "kubewalk: '" + String.join(" ", argv) + "' is not emulated (supported: "
        + SUPPORTED + ")\n", 2);
  }

  // ---- ip addr / ip link -------------------------------------------------------------------

  private String flags(Link l) {
    if (l.kind() == Link.Kind.LOOPBACK) {
      return "<LOOPBACK,UP,LOWER_UP>";
    }
    if (l.kind() == Link.Kind.IPIP) {
      return "<NOARP,UP,LOWER_UP>";
    }
    if (l.kind() == Link.Kind.DUMMY) {
      return l.up() ? "<BROADCAST,NOARP,UP,LOWER_UP>" : "<BROADCAST,NOARP>";
    }
    return l.up() ? "<BROADCAST,MULTICAST,UP,LOWER_UP>" : "<BROADCAST,MULTICAST>";
  }

  private static String state(Link l) {
    if (!l.up()) {
      return "DOWN";
    }
    return switch (l.kind()) {
      case LOOPBACK, VXLAN, DUMMY, IPIP -> "UNKNOWN";
      default -> "UP";
    };
  }

  private static String qdisc(Link l) {
    if (!l.up()) {
      return "noop";
    }
    return l.kind() == Link.Kind.ETHER ? "mq" : "noqueue";
  }

  private static boolean hasQlen(Link l) {
    return l.kind() != Link.Kind.VXLAN && l.kind() != Link.Kind.IPIP
        && l.kind() != Link.Kind.DUMMY; // a dummy's tx_queue_len is 0
  }

  private String header(Link l, boolean linkMode) {
    StringBuilder sb = new StringBuilder();
    sb.append(l.ifindex()).append(": ").append(l.displayName()).append(": ").append(flags(l))
        .append(" mtu ").append(l.mtu()).append(" qdisc ").append(qdisc(l));
    if (l.master() != null) {
      sb.append(" master ").append(l.master().name());
    }
    sb.append(" state ").append(state(l));
    if (linkMode) {
      sb.append(" mode DEFAULT");
    }
    sb.append(" group default ");
    if (hasQlen(l)) {
      sb.append("qlen 1000");
    }
    sb.append('\n');
    if (l.kind() == Link.Kind.LOOPBACK) {
      sb.append("    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n");
    } else if (l.kind() == Link.Kind.IPIP) {
      sb.append("    link/ipip 0.0.0.0 brd 0.0.0.0\n");
    } else {
      sb.append("    link/ether ").append(l.mac()).append(" brd ff:ff:ff:ff:ff:ff");
      if (l.kind() == Link.Kind.VETH && l.peer() != null) {
        sb.append(" link-netnsid ").append(netnsId.applyAsInt(l));
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  private List<Link> select(String dev, String type) {
    return ns.links().stream()
        .filter(l -> dev == null || l.name().equals(dev))
        .filter(l -> type == null || l.kind().text().equals(type))
        .toList();
  }

  private String addr(String dev, String type, boolean brief, boolean v4) {
    StringBuilder sb = new StringBuilder();
    for (Link l : select(dev, type)) {
      if (brief) {
        sb.append(String.format(Locale.ROOT, "%-16s %-14s ", l.displayName(), state(l)));
        for (IfAddr a : l.addresses()) {
          sb.append(a).append(' ');
        }
        if (!v4) {
          String ll = linkLocal(l);
          if (ll != null) {
            sb.append(ll).append(' ');
          }
        }
        sb.append('\n');
        continue;
      }
      if (v4 && l.addresses().isEmpty()) {
        continue;
      }
      String h = header(l, false);
      sb.append(v4 ? h.substring(0, h.indexOf('\n') + 1) : h);
      for (IfAddr a : l.addresses()) {
        sb.append("    inet ").append(a);
        if (a.prefix() < 31 && l.kind() != Link.Kind.LOOPBACK) {
          sb.append(" brd ").append(a.broadcast());
        }
        sb.append(" scope ").append(l.kind() == Link.Kind.LOOPBACK ? "host" : "global")
            .append(' ').append(l.name()).append('\n');
        sb.append("       valid_lft forever preferred_lft forever\n");
      }
      String ll = linkLocal(l);
      if (ll != null && !v4) {
        sb.append("    inet6 ").append(ll).append(l.kind() == Link.Kind.LOOPBACK
            ? " scope host \n" : " scope link \n");
        sb.append("       valid_lft forever preferred_lft forever\n");
      }
    }
    return sb.toString();
  }

  /** The IPv6 link-local address Linux derives (EUI-64) for an up link with a MAC. */
  static String linkLocal(Link l) {
    if (l.kind() == Link.Kind.LOOPBACK) {
      return "::1/128";
    }
    if (!l.up() || l.kind() == Link.Kind.IPIP || l.mac() == null) {
      return null;
    }
    String[] m = l.mac().split(":");
    int[] b = new int[6];
    for (int i = 0; i < 6; i++) {
      b[i] = Integer.parseInt(m[i], 16);
    }
    int[] groups = {(b[0] ^ 2) << 8 | b[1], b[2] << 8 | 0xff, 0xfe << 8 | b[3], b[4] << 8 | b[5]};
    StringBuilder sb = new StringBuilder("fe80::");
    for (int i = 0; i < 4; i++) {
      sb.append(Integer.toHexString(groups[i]));
      if (i < 3) {
        sb.append(':');
      }
    }
    return sb.append("/64").toString();
  }

  private String link(String dev, boolean brief) {
    StringBuilder sb = new StringBuilder();
    for (Link l : select(dev, null)) {
      if (brief) {
        sb.append(String.format(Locale.ROOT, "%-16s %-14s %s %s \n", l.displayName(), state(l),
            l.kind() == Link.Kind.LOOPBACK ? "00:00:00:00:00:00" : l.mac(), flags(l)));
      } else {
        sb.append(header(l, true));
      }
    }
    return sb.toString();
  }

  // ---- ip route ----------------------------------------------------------------------------

  private String routes(String table) {
    StringBuilder sb = new StringBuilder();
    ns.routes().stream().filter(r -> r.table().equals(table))
        .sorted(Comparator.comparing((Route r) -> r.dst().network())
            .thenComparingInt(r -> r.dst().prefix()))
        .forEach(r -> sb.append(r.text()).append(" \n"));
    return sb.toString();
  }

  private Result routeGet(String target) {
    Ip dst;
    try {
      dst = Ip.parse(target);
    } catch (IllegalArgumentException e) {
      return new Result("", "Error: any valid prefix is expected rather than \"" + target
          + "\".\n", 1);
    }
    RouteLookup r = ns.lookup(dst);
    if (r.isLocal()) {
      return ok("local " + dst + " dev lo src " + dst + " uid 0 \n    cache <local> \n");
    }
    if (!r.found()) {
      return new Result("", "RTNETLINK answers: Network is unreachable\n", 2);
    }
    StringBuilder sb = new StringBuilder().append(dst);
    if (r.route().via() != null) {
      sb.append(" via ").append(r.route().via());
    }
    sb.append(" dev ").append(r.dev().name());
    if (r.src() != null) {
      sb.append(" src ").append(r.src());
    }
    sb.append(" uid 0 \n    cache \n");
    return ok(sb.toString());
  }

  private String neigh() {
    StringBuilder sb = new StringBuilder();
    for (NetNamespace.Neighbour n : ns.neighbours()) {
      sb.append(n.ip()).append(" dev ").append(n.dev().name()).append(" lladdr ").append(n.mac())
          .append(' ').append(n.state()).append(" \n");
    }
    return sb.toString();
  }

  private String fdb(String dev) {
    StringBuilder sb = new StringBuilder();
    for (Link l : ns.links()) {
      if (dev != null && !l.name().equals(dev)) {
        continue;
      }
      if (l.kind() == Link.Kind.BRIDGE) {
        sb.append(l.mac()).append(" dev ").append(l.name()).append(" master ").append(l.name())
            .append(" permanent\n");
      }
      if (l.master() != null && l.mac() != null) {
        if (l.peer() != null) {
          // Learned from the pod's traffic: dynamic, so no "permanent" (and a trailing space).
          sb.append(l.peer().mac()).append(" dev ").append(l.name()).append(" master ")
              .append(l.master().name()).append(" \n");
        }
        sb.append(l.mac()).append(" dev ").append(l.name()).append(" master ")
            .append(l.master().name()).append(" permanent\n");
      }
      for (Link.Fdb f : l.fdb()) {
        sb.append(f.mac()).append(" dev ").append(l.name());
        if (f.dst() != null) {
          sb.append(" dst ").append(f.dst());
        }
        if (!f.self() && l.master() != null) {
          sb.append(" master ").append(l.master().name());
        }
        sb.append(f.self() ? " self" : "").append(f.permanent() ? " permanent" : "").append('\n');
      }
    }
    return sb.toString();
  }
}
