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
}
