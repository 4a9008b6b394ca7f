package io.kubewalk.sim.trace;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubewalk.sim.net.Packet;
import java.math.BigDecimal;
import java.util.Locale;

/** The {@code trace --json} contract of DESIGN.md: field names and shapes are fixed. */
public final class TraceJson {

  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private TraceJson() {}

  public static String write(Trace t) {
    try {
      return MAPPER.writeValueAsString(toNode(t)) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  public static ObjectNode toNode(Trace t) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode o = f.objectNode();
    o.put("verdict", t.verdict().name());
    o.put("reason", t.reason());
    o.put("hint", t.hint());
    o.put("service", t.service());
    if (t.deliveredTo() == null) {
      o.putNull("deliveredTo");
    } else {
      ObjectNode d = o.putObject("deliveredTo");
      d.put("kind", t.deliveredTo().kind());
      d.put("name", t.deliveredTo().name());
      d.put("ip", t.deliveredTo().ip());
      d.put("port", t.deliveredTo().port());
    }
    o.put("sourceSeen", t.sourceSeen());
    o.put("masqueraded", t.masqueraded());
    ArrayNode cands = o.putArray("candidates");
    for (Trace.Candidate c : t.candidates()) {
      ObjectNode n = cands.addObject();
      n.put("endpoint", c.endpoint());
      n.put("probability", new BigDecimal(String.format(Locale.ROOT, "%.6f", c.probability()))
          .stripTrailingZeros());
    }
    if (t.cost() != null) {
      ObjectNode c = o.putObject("cost");
      c.put("rulesEvaluated", t.cost().rulesEvaluated());
      c.put("lookups", t.cost().lookups());
    }
    ArrayNode steps = o.putArray("steps");
    for (Step s : t.steps()) {
      ObjectNode n = steps.addObject();
      n.put("index", s.index());
      n.put("node", s.node());
      n.put("netns", s.netns());
      n.put("device", s.device());
      n.put("kind", s.kind().name());
      n.put("detail", s.detail());
      n.put("rule", s.rule());
      n.set("packet", packet(s.packet(), s.ct()));
    }
    if (t.reply() != null) {
      o.set("reply", toNode(t.reply()));
    }
    return o;
  }

  private static ObjectNode packet(Packet p, String ct) {
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    n.put("src", p.src().toString());
    n.put("dst", p.dst().toString());
    n.put("proto", p.proto().lower());
    n.put("sport", p.sport());
    n.put("dport", p.dport());
    n.put("ttl", p.ttl());
    if (p.mark() == 0) {
      n.putNull("mark");
    } else {
      n.put("mark", "0x" + Integer.toHexString(p.mark()));
    }
    n.put("ct", ct);
    if (p.outer() == null) {
      n.putNull("outer");
    } else {
      ObjectNode out = n.putObject("outer");
      out.put("src", p.outer().src().toString());
      out.put("dst", p.outer().dst().toString());
      out.put("proto", "udp");
      out.put("sport", p.outer().sport());
      out.put("dport", p.outer().dport());
      out.put("vni", p.outer().vni());
    }
    return n;
  }
}
