package io.kubewalk.sim.scenario;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import org.snakeyaml.engine.v2.api.ConstructNode;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.common.ScalarStyle;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.resolver.ScalarResolver;
import org.snakeyaml.engine.v2.schema.JsonSchema;
import org.snakeyaml.engine.v2.schema.Schema;

/**
 * YAML documents as located trees. Parsing is safe: only the core schema's tags are allowed (no
 * class instantiation), aliases to collections are limited (no billion laughs), keys may not
 * repeat, and every value knows its {@code file:line:col}.
 */
final class YamlTree {

  static final int MAX_ALIASES = 50;
  private static final Set<String> CORE_TAGS = Set.of(Tag.STR.getValue(), Tag.INT.getValue(),
      Tag.BOOL.getValue(), Tag.NULL.getValue(), Tag.FLOAT.getValue(), Tag.MAP.getValue(),
      Tag.SEQ.getValue());

  /**
   * The default JSON schema with a shortcut: a plain scalar starting with a letter other than
   * {@code t}, {@code f} and {@code n} (true, false, null) can only be a string, so the schema's
   * patterns (one of which every scalar is matched against) are skipped for it.
   */
  static final Schema FAST_JSON = new Schema() {
    private final Schema json = new JsonSchema();
    private final ScalarResolver resolver = (value, implicit) -> {
      if (!value.isEmpty()) {
        char c = value.charAt(0);
        if (c != 't' && c != 'f' && c != 'n' && (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z')) {
          return Tag.STR;
        }
      }
      return json.getScalarResolver().resolve(value, implicit);
    };

    @Override
    public ScalarResolver getScalarResolver() {
      return resolver;
    }

    @Override
    public Map<Tag, ConstructNode> getSchemaTagConstructors() {
      return json.getSchemaTagConstructors();
    }
  };

  private YamlTree() {}

  /** A YAML value with where it was written. */
  record Y(Node node, String file, int lineOffset, int columnOffset) {

    Location loc() {
      Optional<Mark> m = node.getStartMark();
      int line = m.map(Mark::getLine).orElse(0);
      int col = m.map(Mark::getColumn).orElse(0);
      return new Location(file, line + 1 + lineOffset, col + 1 + columnOffset);
    }

    boolean isMap() {
      return node instanceof MappingNode;
    }

    boolean isSeq() {
      return node instanceof SequenceNode;
    }

    boolean isScalar() {
      return node instanceof ScalarNode;
    }

    boolean isNull() {
      return node instanceof ScalarNode s && s.getTag().equals(Tag.NULL);
    }

    String tag() {
      return node.getTag().getValue();
    }

    String text() {
      return node instanceof ScalarNode s ? s.getValue() : null;
    }

    boolean isBlockScalar() {
      return node instanceof ScalarNode s && (s.getScalarStyle() == ScalarStyle.LITERAL
          || s.getScalarStyle() == ScalarStyle.FOLDED);
    }

    /** A mapping's entries in document order, keys as text. */
    Map<String, Y> entries() {
      if (!(node instanceof MappingNode m)) {
        return Map.of();
      }
      Map<String, Y> out = new LinkedHashMap<>();
      for (NodeTuple t : m.getValue()) {
        String k = t.getKeyNode() instanceof ScalarNode s ? s.getValue() : "?";
        out.put(k, child(t.getValueNode()));
      }
      return out;
    }

    /** The location of a mapping key (for "missing value" style problems). */
    Location keyLoc(String key) {
      if (node instanceof MappingNode m) {
        for (NodeTuple t : m.getValue()) {
          if (t.getKeyNode() instanceof ScalarNode s && s.getValue().equals(key)) {
            return child(t.getKeyNode()).loc();
          }
        }
      }
      return loc();
    }

    Y get(String key) {
      if (node instanceof MappingNode m) {
        for (NodeTuple t : m.getValue()) {
          if (t.getKeyNode() instanceof ScalarNode s && s.getValue().equals(key)) {
            Y v = child(t.getValueNode());
            return v.isNull() ? null : v;
          }
        }
      }
      return null;
    }

    List<Y> items() {
      if (!(node instanceof SequenceNode s)) {
        return List.of();
      }
      List<Y> out = new ArrayList<>(s.getValue().size());
      for (Node n : s.getValue()) {
        out.add(child(n));
      }
      return out;
    }

    private Y child(Node n) {
      return new Y(n, file, lineOffset, columnOffset);
    }
  }

  /** Texts at least this long are split at their document markers and parsed in parallel. */
  static final int SPLIT_CHARS = 1 << 20;
  private static final int CHUNK_CHARS = 1 << 18;

  /** Parses every document of a text; problems (syntax, tags, aliases) go to {@code problems}. */
  static List<Y> parse(String file, String text, int lineOffset, int columnOffset,
      List<Problem> problems) {
    List<int[]> chunks = text.length() < SPLIT_CHARS || columnOffset != 0 ? List.of()
        : chunks(text);
    if (chunks.size() < 2) {
      return parseOne(file, text, lineOffset, columnOffset, problems);
    }
    // A generated cluster at Kubernetes' limits is ~20,000 documents: compose them on every
    // core. Problems and documents keep the order of the text.
    record Part(List<Y> docs, List<Problem> problems) {}
    List<Part> parts = chunks.parallelStream().map(c -> {
      List<Problem> ps = new ArrayList<>();
      List<Y> docs = parseOne(file, text.substring(c[0], c[1]), lineOffset + c[2], 0, ps);
      return new Part(docs, ps);
    }).toList();
    List<Y> docs = new ArrayList<>();
    for (Part part : parts) {
      docs.addAll(part.docs());
      problems.addAll(part.problems());
    }
    return docs;
  }

  /**
   * Parses every document of a text and hands each to {@code sink} in order, as soon as its part
   * of the text is composed (large texts: the next parts are composed on other cores meanwhile,
   * and only a few parts are held at once). Problems go to {@code problems} before the documents
   * of their part are handed on.
   */
  static void parse(String file, String text, List<Problem> problems, Consumer<Y> sink) {
    List<int[]> chunks = text.length() < SPLIT_CHARS ? List.of() : chunks(text);
    if (chunks.size() < 2) {
      parseOne(file, text, 0, 0, problems).forEach(sink);
      return;
    }
    record Part(List<Y> docs, List<Problem> problems) {}
    ArrayDeque<CompletableFuture<Part>> ahead = new ArrayDeque<>();
    int next = 0;
    try {
      while (next < chunks.size() || !ahead.isEmpty()) {
        while (next < chunks.size() && ahead.size() < LOOKAHEAD) {
          int[] c = chunks.get(next++);
          ahead.add(CompletableFuture.supplyAsync(() -> {
            List<Problem> ps = new ArrayList<>();
            return new Part(parseOne(file, text.substring(c[0], c[1]), c[2], 0, ps), ps);
          }));
        }
        Part part = ahead.poll().join();
        problems.addAll(part.problems());
        part.docs().forEach(sink);
      }
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : e;
    } finally {
      ahead.forEach(f -> f.cancel(false));
    }
  }

  private static final int LOOKAHEAD = 3;

  /**
   * Chunks of about {@link #CHUNK_CHARS} that start at a {@code ---} line (a document marker
   * wherever it is written, YAML forbids it inside content at column 0), as {start, end, line of
   * start}; empty when the text has directives ({@code %}), which apply across documents.
   */
  private static List<int[]> chunks(String text) {
    if (text.startsWith("%") || text.contains("\n%")) {
      return List.of();
    }
    List<int[]> out = new ArrayList<>();
    int start = 0;
    int startLine = 0;
    int line = 0;
    int scanned = 0;
    int from = CHUNK_CHARS;
    while (from < text.length()) {
      int at = text.indexOf("\n---", from);
      if (at < 0) {
        break;
      }
      int after = at + 4;
      char c = after < text.length() ? text.charAt(after) : '\n';
      if (c != '\n' && c != '\r' && c != ' ' && c != '\t') {
        from = after;
        continue;
      }
      for (int i = scanned; i <= at; i++) {
        if (text.charAt(i) == '\n') {
          line++;
        }
      }
      scanned = at + 1;
      out.add(new int[] {start, at + 1, startLine});
      start = at + 1;
      startLine = line;
      from = start + CHUNK_CHARS;
    }
    out.add(new int[] {start, text.length(), startLine});
    return out;
  }

  static List<Y> parseOne(String file, String text, int lineOffset, int columnOffset,
      List<Problem> problems) {
    LoadSettings settings = LoadSettings.builder()
        .setLabel(file)
        .setAllowDuplicateKeys(false)
        .setAllowRecursiveKeys(false)
        .setMaxAliasesForCollections(MAX_ALIASES)
        .setCodePointLimit((int) Math.min(Integer.MAX_VALUE, ScenarioSource.MAX_BYTES))
        .setSchema(FAST_JSON)
        .build();
    List<Y> docs = new ArrayList<>();
    try {
      for (Node n : new Compose(settings).composeAllFromString(text)) {
        if (n == null) {
          continue;
        }
        Y y = new Y(n, file, lineOffset, columnOffset);
        int before = problems.size();
        checkTags(y, problems, Collections.newSetFromMap(new IdentityHashMap<>()));
        if (problems.size() == before) {
          docs.add(y);
        }
      }
    } catch (MarkedYamlEngineException e) {
      Mark m = e.getProblemMark().orElse(e.getContextMark().orElse(null));
      Location loc = m == null ? new Location(file, 1 + lineOffset, 1)
          : new Location(file, m.getLine() + 1 + lineOffset, m.getColumn() + 1 + columnOffset);
      String what = (e.getContext() == null ? "" : e.getContext() + ": ") + e.getProblem();
      problems.add(new Problem(loc, "YAML syntax error: " + what.strip()
          + " (expected valid YAML)"));
    } catch (YamlEngineException e) {
      String msg = e.getMessage() == null ? "" : e.getMessage();
      if (msg.contains("aliases")) {
        problems.add(new Problem(new Location(file, 1 + lineOffset, 1), "too many YAML aliases"
            + " to collections (expected at most " + MAX_ALIASES + "; is this an alias bomb?)"));
      } else {
        problems.add(new Problem(new Location(file, 1 + lineOffset, 1),
            "YAML error: " + msg + " (expected valid YAML)"));
      }
    }
    return docs;
  }

  private static void checkTags(Y y, List<Problem> problems, Set<Node> seen) {
    if (!seen.add(y.node())) {
      return;
    }
    if (!CORE_TAGS.contains(y.tag())) {
      String t = y.tag().startsWith(Tag.PREFIX) ? "!!" + y.tag().substring(Tag.PREFIX.length())
          : y.tag();
      problems.add(new Problem(y.loc(), "YAML tag '" + t + "' is not allowed (kubewalk reads"
          + " plain YAML; remove the tag)"));
      return;
    }
    if (y.node() instanceof MappingNode m) {
      for (NodeTuple t : m.getValue()) {
        checkTags(new Y(t.getKeyNode(), y.file(), y.lineOffset(), y.columnOffset()), problems,
            seen);
        checkTags(new Y(t.getValueNode(), y.file(), y.lineOffset(), y.columnOffset()), problems,
            seen);
      }
    } else if (y.node() instanceof SequenceNode s) {
      for (Node n : s.getValue()) {
        checkTags(new Y(n, y.file(), y.lineOffset(), y.columnOffset()), problems, seen);
      }
    }
  }
}
