package io.kubewalk.app.gui;

import java.util.Locale;

/**
 * The classroom font size: a base size in points, stepped by Ctrl+= / Ctrl+- between 9 and 32,
 * applied to the whole window as a root {@code -fx-font-size} (every control and monospace area
 * inherits it) and to the topology as a zoom factor.
 */
public final class FontSizeModel {

  static final int DEFAULT = 13;
  static final int MIN = 9;
  static final int MAX = 32;

  private int size = DEFAULT;

  public int size() {
    return size;
  }

  public boolean bigger() {
    return set(size + (size >= 18 ? 2 : 1));
  }

  public boolean smaller() {
    return set(size - (size > 18 ? 2 : 1));
  }

  public boolean reset() {
    return set(DEFAULT);
  }

  private boolean set(int s) {
    int n = Math.max(MIN, Math.min(MAX, s));
    boolean changed = n != size;
    size = n;
    return changed;
  }

  /** The topology's zoom for this size. */
  public double zoom() {
    return size / (double) DEFAULT;
  }

  /** The root style. */
  public String css() {
    return String.format(Locale.ROOT, "-fx-font-size: %dpx;", size);
  }
}
