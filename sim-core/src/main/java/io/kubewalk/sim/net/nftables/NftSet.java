package io.kubewalk.sim.net.nftables;

import java.util.ArrayList;
import java.util.List;

/**
 * A named set or map ({@code map == true}: elements carry a verdict value). Elements keep their
 * insertion order; listings sort them by key (the kernel prints hash order, which is not stable).
 */
public final class NftSet {

  /** One element: key parts ({@code 172.30.0.41 . tcp . 80}), verdict for maps, comment. */
  public record Element(List<String> key, String value, String comment) {
    public Element {
      key = List.copyOf(key);
    }

    public String keyText() {
      return String.join(" . ", key);
    }

    /** Element text as written in {@code add element} and printed by {@code nft list}. */
    public String text() {
      return keyText()
          + (comment == null ? "" : " comment \"" + comment + "\"")
          + (value == null ? "" : " : " + value);
    }
  }

  private final String name;
  private final boolean map;
  private final String type;
  private final List<String> flags;
  private final Integer timeoutSeconds;
  private final String comment;
  private final List<Element> elements = new ArrayList<>();
  private final java.util.Map<List<String>, Element> byKey = new java.util.HashMap<>();

  public NftSet(
      String name, boolean map, String type, List<String> flags, Integer timeoutSeconds,
      String comment) {
    this.name = name;
    this.map = map;
    this.type = type;
    this.flags = List.copyOf(flags);
    this.timeoutSeconds = timeoutSeconds;
    this.comment = comment;
  }

  public String name() {
    return name;
  }

  public boolean isMap() {
    return map;
  }

  public String type() {
    return type;
  }

  public List<String> flags() {
    return flags;
  }

  public Integer timeoutSeconds() {
    return timeoutSeconds;
  }

  public String comment() {
    return comment;
  }

  public List<Element> elements() {
    return List.copyOf(elements);
  }

  /** Adds an element; adding a key that is already there changes nothing, as in nft. */
  public void add(Element e) {
    if (byKey.putIfAbsent(e.key(), e) == null) {
      elements.add(e);
    }
  }

  /** The element whose key equals the given parts, or null. */
  public Element lookup(List<String> key) {
    return byKey.get(key);
  }


  public String addLine(String family, String table) {
    StringBuilder b = new StringBuilder();
    b.append("add ").append(map ? "map" : "set").append(' ').append(family).append(' ')
        .append(table).append(' ').append(name).append(" { type ").append(type).append(" ;");
    if (!flags.isEmpty()) {
      b.append(" flags ").append(String.join(",", flags)).append(" ;");
    }
    if (timeoutSeconds != null) {
      b.append(" timeout ").append(timeoutSeconds).append("s ;");
    }
    if (comment != null) {
      b.append(" comment \"").append(comment).append("\" ;");
    }
    return b.append(" }").toString();
  }
}
