package io.kubewalk.app.cli;

import io.kubewalk.sim.Simulation;
import io.kubewalk.sim.api.ProxyConfig;
import picocli.CommandLine.Option;

/** {@code --proxy-mode iptables|ipvs|nftables}: overrides the scenario's kube-proxy mode. */
final class ProxyModeOption {

  @Option(names = "--proxy-mode", paramLabel = "MODE",
      description = "kube-proxy mode: iptables, ipvs or nftables (default: the scenario's).")
  String mode;

  Simulation apply(Simulation sim) {
    if (mode == null) {
      return sim;
    }
    try {
      return sim.withProxyMode(ProxyConfig.Mode.parse(mode));
    } catch (IllegalArgumentException e) {
      throw new KubewalkCommand.UserError("--proxy-mode: " + e.getMessage());
    }
  }
}
