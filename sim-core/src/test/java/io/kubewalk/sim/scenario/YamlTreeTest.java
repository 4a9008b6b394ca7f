package io.kubewalk.sim.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class YamlTreeTest {

  private static List<String> describe(List<YamlTree.Y> docs) {
    return docs.stream().map(d -> d.loc() + " " + d.get("metadata").get("name").text()
        + " " + d.get("metadata").get("name").loc()).toList();
  }

  @Test
  void aLargeTextParsedInPartsGivesTheSameDocumentsLocationsAndProblems() {
    StringBuilder b = new StringBuilder("# many documents\n");
    int i = 0;
    while (b.length() < 3 * YamlTree.SPLIT_CHARS) {
      b.append("---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-").append(i++)
          .append("\ndata:\n  text: |\n    --- not a marker, indented\n")
          .append(i % 5000 == 0 ? "  bad: !!python/object:os.system x\n" : "");
    }
    b.append("--- \napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: last\n");
    String text = b.toString();
    List<Problem> whole = new ArrayList<>();
    List<Problem> parts = new ArrayList<>();

    List<YamlTree.Y> one = YamlTree.parseOne("f.yaml", text, 0, 0, whole);
    List<YamlTree.Y> split = YamlTree.parse("f.yaml", text, 0, 0, parts);

    assertThat(one).hasSize(i + 1 - (i / 5000));
    assertThat(describe(split)).isEqualTo(describe(one));
    assertThat(parts).isNotEmpty().isEqualTo(whole);
  }

  @Test
  void theSchemaShortcutResolvesAsTheJsonSchemaDoes() {
    var json = new org.snakeyaml.engine.v2.schema.JsonSchema().getScalarResolver();
    var fast = YamlTree.FAST_JSON.getScalarResolver();
    for (String v : List.of("", "true", "false", "null", "True", "NULL", "~", "yes", "no", "on",
        "123", "-1", "0x1F", "1.5", ".inf", "-.inf", ".nan", "abc", "Abc", "nope", "tx", "fx",
        "$x", "${HOME}", "<<", "Z9", "a b", "10.96.0.0/12", "kind", "ClusterIP")) {
      for (boolean implicit : new boolean[] {true, false}) {
        assertThat(fast.resolve(v, implicit)).as(v + " " + implicit)
            .isEqualTo(json.resolve(v, implicit));
      }
    }
  }
}
