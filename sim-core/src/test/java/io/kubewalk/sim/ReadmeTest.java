package io.kubewalk.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's Java example is ReadmeExampleTest, verbatim: this keeps them from drifting. */
class ReadmeTest {

  @Test
  void readmeShowsTheExampleTheSuiteRuns() throws IOException {
    Path root = Path.of(System.getProperty("user.dir")).getParent();
    String readme = Files.readString(root.resolve("README.md"));
    String example = Files.readString(
        Path.of("src/test/java/io/kubewalk/sim/ReadmeExampleTest.java"));
    assertThat(readme).contains("```java\n" + example + "```");
  }
}
