package io.kubewalk.sim.net.nftables;

import java.util.List;
import java.util.stream.Collectors;

/** A rule: typed expressions in order, and an optional comment. */
public record NftRule(List<NftExpr> exprs, String comment) {

  public NftRule {
    exprs = List.copyOf(exprs);
    if (exprs.isEmpty()) {
      throw new IllegalArgumentException("empty rule");
    }
  }

  public static NftRule of(NftExpr... exprs) {
    return new NftRule(List.of(exprs), null);
  }

  public NftRule withComment(String c) {
    return new NftRule(exprs, c);
  }

  /** The rule as kube-proxy writes it (the text after {@code add rule ip kube-proxy CHAIN}). */
  public String text() {
    return exprs.stream().map(NftExpr::text).collect(Collectors.joining(" "))
        + (comment == null ? "" : " comment \"" + comment + "\"");
  }

  /** The rule as {@code nft list} prints it. */
  public String listText() {
    return exprs.stream().map(NftExpr::listText).collect(Collectors.joining(" "))
        + (comment == null ? "" : " comment \"" + comment + "\"");
  }
}
