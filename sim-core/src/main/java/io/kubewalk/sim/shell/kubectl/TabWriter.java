package io.kubewalk.sim.shell.kubectl;

import java.util.ArrayList;
import java.util.List;

/**
 * Column alignment as kubectl prints tables: Go's text/tabwriter with kubectl's settings
 * (minwidth 6, padding 3, pad char ' '). A column is as wide as its widest cell plus three
 * spaces; the last cell of a row is not padded.
 */
final class TabWriter {

  private static final int MIN_WIDTH = 6;
  private static final int PADDING = 3;

  private final List<List<String>> rows = new ArrayList<>();

  TabWriter row(List<String> cells) {
    rows.add(List.copyOf(cells));
    return this;
  }

  TabWriter row(String... cells) {
    return row(List.of(cells));
  }

  boolean isEmpty() {
    return rows.isEmpty();
  }

  @Override
  public String toString() {
    int cols = rows.stream().mapToInt(List::size).max().orElse(0);
    int[] width = new int[cols];
    for (List<String> r : rows) {
      for (int i = 0; i < r.size() - 1; i++) {
        width[i] = Math.max(width[i], Math.max(MIN_WIDTH, r.get(i).length() + PADDING));
      }
    }
    StringBuilder sb = new StringBuilder();
    for (List<String> r : rows) {
      for (int i = 0; i < r.size(); i++) {
        String c = r.get(i);
        sb.append(c);
        if (i < r.size() - 1) {
          sb.append(" ".repeat(width[i] - c.length()));
        }
      }
      sb.append('\n');
    }
    return sb.toString();
  }
}
