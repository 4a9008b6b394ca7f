package io.kubewalk.sim.testkit;

import java.util.List;

import io.kubewalk.sim.net.Packet;
import io.kubewalk.sim.trace.Step;
import io.kubewalk.sim.trace.Trace;
import io.kubewalk.sim.trace.TraceText;
import io.kubewalk.sim.trace.Verdict;

/**
 * Readable assertions on a trace for JUnit (or any) tests, with no test-library dependency: each
 * failure is an {@link AssertionError} whose message says what was expected and prints the whole
 * trace, hop by hop.
 *
 * <pre>{@code
 * TraceAssert.that(sim.trace("pod/default/client", "pod/default/app:80/tcp", 0))
 *     .isDelivered()
 *     .deliveredTo("pod", "default/app")
 *     .visits("node01/flannel.1")
 *     .isEncapsulated("192.168.212.136", "192.168.122.177", 8472, 1);
 * }</pre>
 */
public final class TraceAssert {

  private final Trace trace;

  private TraceAssert(Trace trace) {
    this.trace = trace;
  }

  public static TraceAssert that(Trace trace) {
    if (trace == null) {
      throw new AssertionError("expected a trace, got null");
    }
    return new TraceAssert(trace);
  }

  public TraceAssert hasVerdict(Verdict expected) {
    if (trace.verdict() != expected) {
      fail("expected verdict " + expected + " but was " + trace.verdict()
          + (trace.reason() == null ? "" : " (" + trace.reason() + ")"));
    }
    return this;
  }

  public TraceAssert isDelivered() {
    return hasVerdict(Verdict.DELIVERED);
  }

  /** Where it arrived: kind "pod", "node" or "external", and its name ({@code ns/name}). */
  public TraceAssert deliveredTo(String kind, String name) {
    isDelivered();
    if (!trace.deliveredTo().kind().equals(kind) || !trace.deliveredTo().name().equals(name)) {
      fail("expected delivery to " + kind + " " + name + " but it reached "
          + trace.deliveredTo().kind() + " " + trace.deliveredTo().name());
    }
    return this;
  }

  /** The reason names this text (for verdicts other than DELIVERED). */
  public TraceAssert becauseOf(String text) {
    if (trace.reason() == null || !trace.reason().contains(text)) {
      fail("expected the reason to mention \"" + text + "\" but it was " + trace.reason());
    }
    return this;
  }

  /**
   * The packet passed through a namespace ({@code node01}, {@code node-network}) or a device in
   * it ({@code node01/flannel.1}, {@code node01/cni0}).
   */
  public TraceAssert visits(String place) {
    if (!visited(place)) {
      fail("expected the packet to pass " + place + " but it did not");
    }
    return this;
  }

  public TraceAssert doesNotVisit(String place) {
    if (visited(place)) {
      fail("expected the packet not to pass " + place + " but it did");
    }
    return this;
  }

  private boolean visited(String place) {
    for (Step s : trace.steps()) {
      String ns = s.node().equals(s.netns()) ? s.netns() : s.node() + "/" + s.netns();
      if (place.equals(ns) || place.equals(s.node()) || place.equals(ns + "/" + s.device())) {
        return true;
      }
    }
    return false;
  }

  /** Some step wrapped the packet in an outer header with these values. */
  public TraceAssert isEncapsulated(String outerSrc, String outerDst, int port, int vni) {
    for (Step s : trace.steps()) {
      Packet.Outer o = s.packet().outer();
      if (s.kind() == Step.Kind.ENCAP && o != null && o.src().toString().equals(outerSrc)
          && o.dst().toString().equals(outerDst) && o.dport() == port && o.vni() == vni) {
        return this;
      }
    }
    return fail("expected an ENCAP step " + outerSrc + " -> " + outerDst + " UDP " + port
        + " VNI " + vni + " but there was none");
  }

  public TraceAssert isNotEncapsulated() {
    if (trace.steps().stream().anyMatch(s -> s.kind() == Step.Kind.ENCAP)) {
      fail("expected no encapsulation but the packet was encapsulated");
    }
    return this;
  }

  public TraceAssert isMasqueraded() {
    if (!trace.masqueraded()) {
      fail("expected the source to be masqueraded but it was not");
    }
    return this;
  }

  public TraceAssert isNotMasqueraded() {
    if (trace.masqueraded()) {
      fail("expected the source to be kept but it was masqueraded");
    }
    return this;
  }

  /** The load-balancing choices on the path were exactly these endpoints ({@code IP:PORT}). */
  public TraceAssert hasCandidates(String... endpoints) {
    java.util.Set<String> actual = new java.util.TreeSet<>();
    trace.candidates().forEach(c -> actual.add(c.endpoint()));
    if (!actual.equals(new java.util.TreeSet<>(List.of(endpoints)))) {
      fail("expected candidates " + new java.util.TreeSet<>(List.of(endpoints)) + " but they"
          + " were " + trace.candidates());
    }
    return this;
  }

  /** Some step (a DNAT: iptables, IPVS, nftables or conntrack) set this destination. */
  public TraceAssert rewritesDestinationTo(String ipPort) {
    if (trace.steps().stream().noneMatch(s -> s.kind() == Step.Kind.DNAT
        && (s.packet().dst() + ":" + s.packet().dport()).equals(ipPort))) {
      fail("expected a DNAT to " + ipPort + " but there was none");
    }
    return this;
  }

  /** Some step (an SNAT or MASQUERADE) set this source address. */
  public TraceAssert rewritesSourceTo(String ip) {
    if (trace.steps().stream().noneMatch(s -> s.kind() == Step.Kind.SNAT
        && s.packet().src().toString().equals(ip))) {
      fail("expected a source NAT to " + ip + " but there was none");
    }
    return this;
  }

  /** The address (without port) the receiving socket sees as the source. */
  public TraceAssert sourceSeenIs(String ip) {
    String seen = trace.sourceSeen();
    if (seen == null || !seen.substring(0, seen.lastIndexOf(':')).equals(ip)) {
      fail("expected the receiver to see source " + ip + " but it saw " + seen);
    }
    return this;
  }

  /** A step's rule is exactly this text (a route, or an iptables rule). */
  public TraceAssert matchesRule(String rule) {
    if (trace.steps().stream().noneMatch(s -> rule.equals(s.rule()))) {
      fail("expected a step decided by \"" + rule + "\" but none was");
    }
    return this;
  }

  public Trace trace() {
    return trace;
  }

  private TraceAssert fail(String message) {
    throw new AssertionError(message + "\n\nThe trace:\n" + TraceText.render(trace));
  }
}
