package io.kubewalk.sim.scenario;

import io.kubewalk.sim.api.ClusterConfig;
import io.kubewalk.sim.api.CniConfig;
import io.kubewalk.sim.api.ContainerPort;
import io.kubewalk.sim.api.EndpointSlice;
import io.kubewalk.sim.api.ExternalClient;
import io.kubewalk.sim.api.FirewallRule;
import io.kubewalk.sim.api.IntOrString;
import io.kubewalk.sim.api.Node;
import io.kubewalk.sim.api.Pod;
import io.kubewalk.sim.api.ProxyConfig;
import io.kubewalk.sim.api.Service;
import io.kubewalk.sim.api.ServicePort;
import io.kubewalk.sim.api.Taint;
import io.kubewalk.sim.api.Workload;
import io.kubewalk.sim.net.Cidr;
import io.kubewalk.sim.net.IfAddr;
import io.kubewalk.sim.net.Ip;
import io.kubewalk.sim.net.Protocol;
import io.kubewalk.sim.scenario.YamlTree.Y;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Reads scenario YAML into a {@link Scenario}: kind's Cluster, kubeadm's ClusterConfiguration,
 * KubeProxyConfiguration (standalone or in kind's kubeadmConfigPatches), the kubewalk Topology
 * document, and ordinary manifests. Every problem of every document is collected, located and
 * reported together; nothing is returned unless the whole scenario is valid.
 */
public final class ScenarioLoader {

  private static final Pattern DNS1123 = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  private static final Pattern DNS1123_SUB =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  private static final List<String> API_VERSIONS = List.of("v1", "apps/v1",
      "discovery.k8s.io/v1", "networking.k8s.io/v1", "kind.x-k8s.io/v1alpha4",
      "kubeadm.k8s.io/v1beta3", "kubeadm.k8s.io/v1beta4", "kubeproxy.config.k8s.io/v1alpha1",
      "kubewalk.io/v1alpha1");
  private static final Map<String, List<String>> KINDS = Map.of(
      "v1", List.of("Namespace", "Pod", "Service", "Endpoints", "List"),
      "apps/v1", List.of("Deployment", "ReplicaSet"),
      "discovery.k8s.io/v1", List.of("EndpointSlice"),
      "networking.k8s.io/v1", List.of("NetworkPolicy"),
      "kind.x-k8s.io/v1alpha4", List.of("Cluster"),
      "kubeadm.k8s.io/v1beta3", List.of("ClusterConfiguration", "InitConfiguration",
          "JoinConfiguration"),
      "kubeadm.k8s.io/v1beta4", List.of("ClusterConfiguration", "InitConfiguration",
          "JoinConfiguration"),
      "kubeproxy.config.k8s.io/v1alpha1", List.of("KubeProxyConfiguration"),
      "kubewalk.io/v1alpha1", List.of("Topology", "Expectations"));
  private static final List<String> PROXY_MODES = List.of("iptables", "ipvs", "nftables");
  private static final List<String> SCHEDULERS = List.of("rr", "wrr", "lc", "wlc", "lblc",
      "lblcr", "dh", "sh", "sed", "nq", "mh");

  private final List<Problem> problems = new ArrayList<>();
  private final Map<String, Location> locations = new HashMap<>();
  private final List<Y> manifests = new ArrayList<>();
  private final Map<String, Setting> settings = new LinkedHashMap<>();
  private Y topology;
  private Y kindCluster;
  private final List<Expectation> expectations = new ArrayList<>();
  private String firstFile;

  private record Setting(Object value, Location at) {}

  /** The scenario read document by document, or null when it must be read the ordinary way. */
  static Scenario streamed(List<ScenarioSource> sources) {
    try {
      return new ScenarioLoader(true).run(sources);
    } catch (RuntimeException e) {
      // Restart, a problem, or a bug: the ordinary way reports it properly.
      return null;
    }
  }

  private final boolean streaming;
  /** Streaming: the configuration and nodes are fixed and manifests are converted on arrival. */
  private Manifests converting;

  /** Thrown to leave streaming and read the scenario the ordinary way. */
  private static final class Restart extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Restart() {
      super(null, null, false, false);
    }
  }

  private ScenarioLoader(boolean streaming) {
    this.streaming = streaming;
  }

  public static Scenario load(String name, String yaml) {
    return load(List.of(new ScenarioSource(name, yaml)));
  }

  /** Loads all sources as one scenario; throws {@link ScenarioException} with every problem. */
  public static Scenario load(List<ScenarioSource> sources) {
    long chars = sources.stream().mapToLong(src -> src.text().length()).sum();
    return load(sources, chars >= STREAM_CHARS);
  }

  /**
   * Scenarios at least this long are read document by document: each manifest is converted as
   * soon as it is parsed and its YAML tree dropped, so a scenario at Kubernetes' limits (20,000
   * documents) never holds all its trees at once.
   */
  static final long STREAM_CHARS = 1 << 20;

  /**
   * With {@code stream}, the configuration (kind Cluster, kubeadm, kube-proxy and Topology
   * documents) is fixed at the first manifest and every later manifest is converted as it comes.
   * Should a configuration document follow a manifest, or any problem turn up, the scenario is
   * read again the ordinary way (all documents first), which reports problems in their usual
   * order: both ways give the same result.
   */
  static Scenario load(List<ScenarioSource> sources, boolean stream) {
    Scenario streamed = stream ? streamed(sources) : null;
    if (streamed != null) {
      return streamed;
    }
    ScenarioLoader l = new ScenarioLoader(false);
    Scenario s;
    try {
      s = l.run(sources);
    } catch (ScenarioException e) {
      throw e;
    } catch (RuntimeException e) {
      String where = sources.isEmpty() ? "scenario" : sources.get(0).name();
      l.problems.add(new Problem(Location.of(where), "cannot load the scenario: " + e
          + " (this is a kubewalk bug; please report it with the file)"));
      s = null;
    }
    if (!l.problems.isEmpty()) {
      throw new ScenarioException(l.problems);
    }
    return s;
  }

  private Scenario run(List<ScenarioSource> sources) {
    if (sources.isEmpty()) {
      throw new ScenarioException(Location.of("scenario"), "no scenario given (expected a file"
          + " or a lesson name)");
    }
    firstFile = sources.get(0).name();
    for (ScenarioSource src : sources) {
      if (src.text().length() > ScenarioSource.MAX_BYTES) {
        problems.add(new Problem(Location.of(src.name()), "file is "
            + (src.text().length() >> 20) + " MiB (expected at most "
            + (ScenarioSource.MAX_BYTES >> 20) + " MiB)"));
        continue;
      }
      if (streaming) {
        YamlTree.parse(src.name(), src.text(), problems, doc -> {
          if (!problems.isEmpty()) {
            throw new Restart();
          }
          classify(doc);
        });
        continue;
      }
      for (Y doc : YamlTree.parse(src.name(), src.text(), 0, 0, problems)) {
        classify(doc);
      }
    }
    if (streaming) {
      if (converting == null) {
        freeze();
      }
      Scenario sc = converting.finish();
      if (!problems.isEmpty()) {
        throw new Restart();
      }
      return sc;
    }
    ClusterConfig cfg = config();
    List<Node> nodes = nodes(cfg);
    Manifests m = new Manifests(cfg, nodes);
    for (Y doc : manifests) {
      m.add(doc);
    }
    return m.finish();
  }

  /** Streaming: fixes the configuration and nodes at the first manifest. */
  private void freeze() {
    ClusterConfig cfg = config();
    List<Node> nodes = nodes(cfg);
    if (!problems.isEmpty()) {
      throw new Restart();
    }
    converting = new Manifests(cfg, nodes);
  }

  // ---- documents ---------------------------------------------------------------------------

  private void classify(Y doc) {
    if (!doc.isMap()) {
      problems.add(new Problem(doc.loc(), "a document must be a mapping (expected apiVersion,"
          + " kind, ...)"));
      return;
    }
    String apiVersion = str(doc, "apiVersion");
    String kind = str(doc, "kind");
    if (kind == null) {
      problems.add(new Problem(doc.loc(), "document has no kind (expected e.g. kind: Pod)"));
      return;
    }
    if (apiVersion == null) {
      problems.add(new Problem(doc.keyLoc("kind"), kind + " has no apiVersion (expected one"
          + " of: " + String.join(", ", API_VERSIONS) + ")"));
      return;
    }
    if (!KINDS.containsKey(apiVersion)) {
      problems.add(new Problem(doc.get("apiVersion").loc(), "unknown apiVersion '" + apiVersion
          + "' (expected one of: " + String.join(", ", API_VERSIONS) + ")"));
      return;
    }
    if (!KINDS.get(apiVersion).contains(kind)) {
      problems.add(new Problem(doc.get("kind").loc(), "unknown kind '" + kind
          + "' for apiVersion " + apiVersion + " (expected one of: "
          + String.join(", ", KINDS.get(apiVersion)) + ")"));
      return;
    }
    if (converting != null && List.of("Cluster", "ClusterConfiguration", "KubeProxyConfiguration",
        "Topology").contains(kind)) {
      throw new Restart();
    }
    switch (kind) {
      case "Cluster" -> {
        if (kindCluster != null) {
          problems.add(new Problem(doc.loc(), "a second kind Cluster document (the first is at "
              + kindCluster.loc() + ")"));
        }
        kindCluster = doc;
        kindClusterSettings(doc);
      }
      case "ClusterConfiguration" -> clusterConfiguration(doc);
      case "KubeProxyConfiguration" -> kubeProxyConfiguration(doc);
      case "InitConfiguration", "JoinConfiguration" -> { }
      case "Expectations" -> expectations(doc);
      case "Topology" -> {
        if (topology != null) {
          problems.add(new Problem(doc.loc(), "a second Topology document (the first is at "
              + topology.loc() + ")"));
        }
        topology = doc;
        topologySettings(doc);
      }
      case "List" -> {
        for (Y item : seq(doc, "items")) {
          classify(item);
        }
      }
      default -> {
        if (!streaming) {
          manifests.add(doc);
        } else {
          if (converting == null) {
            freeze();
          }
          converting.add(doc);
          if (!problems.isEmpty()) {
            throw new Restart();
          }
        }
      }
    }
  }

  private void set(String key, Object value, Location at) {
    if (value == null) {
      return;
    }
    Setting prev = settings.get(key);
    if (prev != null && !prev.value().equals(value)) {
      problems.add(new Problem(at, key + " " + value + " conflicts with " + prev.value()
          + " set at " + prev.at() + " (expected one value)"));
      return;
    }
    settings.put(key, new Setting(value, at));
  }

  @SuppressWarnings("unchecked")
  private <T> T setting(String key, T dflt) {
    Setting s = settings.get(key);
    return s == null ? dflt : (T) s.value();
  }

  private Location settingAt(String key) {
    Setting s = settings.get(key);
    return s == null ? Location.of(firstFile) : s.at();
  }

  private void kindClusterSettings(Y doc) {
    Y net = doc.get("networking");
    if (net != null) {
      setCidr("podSubnet", net.get("podSubnet"));
      setCidr("serviceSubnet", net.get("serviceSubnet"));
      Y mode = net.get("kubeProxyMode");
      if (mode != null && !mode.text().equals("none")) {
        setEnum("kube-proxy mode", mode, PROXY_MODES, ProxyConfig.Mode::parse);
      }
      Y dis = net.get("disableDefaultCNI");
      if (dis != null && bool(dis)) {
        set("disableDefaultCNI", true, dis.loc());
      }
    }
    Y name = doc.get("name");
    if (name != null) {
      set("clusterName", name.text(), name.loc());
    }
    for (Y patch : seq(doc, "kubeadmConfigPatches")) {
      if (!patch.isScalar()) {
        problems.add(new Problem(patch.loc(), "a kubeadmConfigPatches entry must be a string"
            + " holding a YAML document (expected e.g. - |)"));
        continue;
      }
      int lineOffset = patch.loc().line() - 1 + (patch.isBlockScalar() ? 1 : 0);
      // A block scalar's content is indented like the '|' of "- |" (the usual layout).
      int indent = patch.loc().column() - 1;
      for (Y inner : YamlTree.parse(patch.file(), patch.text(), lineOffset, indent, problems)) {
        if (!inner.isMap()) {
          continue;
        }
        String kind = str(inner, "kind");
        if ("ClusterConfiguration".equals(kind)) {
          clusterConfiguration(inner);
        } else if ("KubeProxyConfiguration".equals(kind)) {
          kubeProxyConfiguration(inner);
        } else if (!"InitConfiguration".equals(kind) && !"JoinConfiguration".equals(kind)) {
          problems.add(new Problem(inner.loc(), "unsupported kubeadm patch kind '" + kind
              + "' (expected ClusterConfiguration, KubeProxyConfiguration, InitConfiguration or"
              + " JoinConfiguration)"));
        }
      }
    }
  }

  private void clusterConfiguration(Y doc) {
    Y net = doc.get("networking");
    if (net != null) {
      setCidr("podSubnet", net.get("podSubnet"));
      setCidr("serviceSubnet", net.get("serviceSubnet"));
      Y dns = net.get("dnsDomain");
      if (dns != null) {
        set("dnsDomain", dns.text(), dns.loc());
      }
    }
    Y v = doc.get("kubernetesVersion");
    if (v != null) {
      set("kubernetesVersion", v.text(), v.loc());
    }
    Y cn = doc.get("clusterName");
    if (cn != null) {
      set("clusterName", cn.text(), cn.loc());
    }
    Map<String, Y> api = extraArgs(doc.get("apiServer"));
    Y range = api.get("service-node-port-range");
    if (range != null) {
      String[] p = range.text().split("-");
      int from = p.length == 2 ? parseIntOr(p[0], -1) : -1;
      int to = p.length == 2 ? parseIntOr(p[1], -1) : -1;
      if (from < 1 || to > 65535 || from > to) {
        problems.add(new Problem(range.loc(), "service-node-port-range '" + range.text()
            + "' is not a port range (expected FROM-TO within 1-65535, e.g. 30000-32767)"));
      } else {
        set("nodePortFrom", from, range.loc());
        set("nodePortTo", to, range.loc());
      }
    }
    Y ca = api.get("kubelet-certificate-authority");
    if (ca != null) {
      set("kubeletCertificateAuthority", ca.text(), ca.loc());
    }
    Map<String, Y> cm = extraArgs(doc.get("controllerManager"));
    setCidr("podSubnet", cm.get("cluster-cidr"));
    Y mask = cm.get("node-cidr-mask-size");
    if (mask != null) {
      int m = parseIntOr(mask.text(), -1);
      if (m < 8 || m > 30) {
        problems.add(new Problem(mask.loc(), "node-cidr-mask-size '" + mask.text()
            + "' is not a usable prefix length (expected 8-30, usually 24)"));
      } else {
        set("nodeCidrMaskSize", m, mask.loc());
      }
    }
  }

  /** kubeadm v1beta3 extraArgs is a map; v1beta4 is a list of {name, value}. */
  private Map<String, Y> extraArgs(Y component) {
    Map<String, Y> out = new LinkedHashMap<>();
    Y args = component == null ? null : component.get("extraArgs");
    if (args == null) {
      return out;
    }
    if (args.isMap()) {
      out.putAll(args.entries());
    } else {
      for (Y item : args.items()) {
        String n = str(item, "name");
        Y v = item.get("value");
        if (n != null && v != null) {
          out.put(n, v);
        }
      }
    }
    return out;
  }

  private void kubeProxyConfiguration(Y doc) {
    Y mode = doc.get("mode");
    if (mode != null && !mode.text().isEmpty()) {
      setEnum("kube-proxy mode", mode, PROXY_MODES, ProxyConfig.Mode::parse);
    }
    if (doc.entries().containsKey("clusterCIDR")) {
      Y cc = doc.get("clusterCIDR");
      if (cc == null || cc.text().isEmpty()) {
        set("proxyClusterCIDR", "", doc.keyLoc("clusterCIDR"));
      } else {
        setCidr("proxyClusterCIDR", cc);
      }
    }
    Y dl = doc.get("detectLocalMode");
    if (dl != null) {
      List<String> ok = List.of("ClusterCIDR", "NodeCIDR", "BridgeInterface",
          "InterfaceNamePrefix");
      if (!ok.contains(dl.text())) {
        problems.add(new Problem(dl.loc(), "detectLocalMode '" + dl.text() + "' is not known"
            + " (expected one of: " + String.join(", ", ok) + ")"));
      } else {
        set("detectLocalMode", dl.text(), dl.loc());
      }
    }
    Y ma = doc.get("masqueradeAll");
    if (ma != null) {
      set("masqueradeAll", bool(ma), ma.loc());
    }
    Y npa = doc.get("nodePortAddresses");
    if (npa != null) {
      List<String> list = new ArrayList<>();
      for (Y a : npa.items()) {
        if (!"primary".equals(a.text())) {
          cidr(a);
        }
        list.add(a.text());
      }
      set("nodePortAddresses", list, npa.loc());
    }
    Y ipt = doc.get("iptables");
    if (ipt != null) {
      Y bit = ipt.get("masqueradeBit");
      if (bit != null) {
        int b = integer(bit);
        if (b < 0 || b > 31) {
          problems.add(new Problem(bit.loc(), "iptables.masqueradeBit " + b
              + " is out of range (expected 0-31)"));
        } else {
          set("masqueradeBit", b, bit.loc());
        }
      }
      Y lnp = ipt.get("localhostNodePorts");
      if (lnp != null) {
        set("localhostNodePorts", bool(lnp), lnp.loc());
      }
    }
    Y ipvs = doc.get("ipvs");
    Y sch = ipvs == null ? null : ipvs.get("scheduler");
    if (sch != null && !sch.text().isEmpty()) {
      if (!SCHEDULERS.contains(sch.text())) {
        problems.add(new Problem(sch.loc(), "ipvs.scheduler '" + sch.text()
            + "' is not an IPVS scheduler (expected one of: " + String.join(", ", SCHEDULERS)
            + ")"));
      } else {
        set("ipvsScheduler", sch.text(), sch.loc());
      }
    }
  }

  private void topologySettings(Y doc) {
    Y flavor = doc.get("flavor");
    if (flavor != null) {
      if (!List.of("kubeadm", "kind").contains(flavor.text())) {
        problems.add(new Problem(flavor.loc(), "flavor '" + flavor.text()
            + "' is not known (expected kubeadm or kind)"));
      } else {
        set("flavor", flavor.text(), flavor.loc());
      }
    }
    Y v = doc.get("kubernetesVersion");
    if (v != null) {
      set("kubernetesVersion", v.text(), v.loc());
    }
    Y cni = doc.get("cni");
    if (cni != null) {
      Y plugin = cni.get("plugin");
      if (plugin != null) {
        setEnum("cni.plugin", plugin, Arrays.stream(CniConfig.Plugin.values())
            .map(Enum::name).toList(), CniConfig.Plugin::valueOf);
      }
      Y backend = cni.get("backend");
      if (backend != null) {
        List<String> ok = List.of("vxlan", "host-gw", "ipip", "direct");
        if (!ok.contains(backend.text())) {
          problems.add(new Problem(backend.loc(), "cni.backend '" + backend.text()
              + "' is not known (expected vxlan or host-gw for flannel, ipip or direct for"
              + " calico)"));
        } else {
          set("cniBackend", backend.text(), backend.loc());
        }
      }
      setCidr("ipallocRange", cni.get("ipallocRange"));
      Y inst = cni.get("installed");
      if (inst != null) {
        set("cniInstalled", bool(inst), inst.loc());
      }
      Y mtu = cni.get("mtu");
      if (mtu != null) {
        set("cniMtu", range(mtu, 576, 9000, "an MTU"), mtu.loc());
      }
      Y vni = cni.get("vni");
      if (vni != null) {
        set("vni", range(vni, 1, 16777215, "a VXLAN network identifier"), vni.loc());
      }
      Y port = cni.get("port");
      if (port != null) {
        set("vxlanPort", range(port, 1, 65535, "a UDP port"), port.loc());
      }
    }
    Y sys = doc.get("sysctls");
    if (sys != null) {
      Y b = sys.get("bridgeNfCallIptables");
      if (b != null) {
        set("bridgeNfCallIptables", bool(b), b.loc());
      }
      Y f = sys.get("ipForward");
      if (f != null) {
        set("ipForward", bool(f), f.loc());
      }
    }
    Y api = doc.get("apiserver");
    if (api != null) {
      Y ca = api.get("kubeletCertificateAuthority");
      if (ca != null && !ca.text().isEmpty()) {
        set("kubeletCertificateAuthority", ca.text(), ca.loc());
      }
      Y tunnel = api.get("tunnel");
      if (tunnel != null) {
        if (!List.of("none", "konnectivity", "ssh").contains(tunnel.text())) {
          problems.add(new Problem(tunnel.loc(), "apiserver.tunnel '" + tunnel.text()
              + "' is not known (expected none, konnectivity or ssh)"));
        } else {
          set("tunnel", tunnel.text(), tunnel.loc());
        }
      }
    }
    Y kubelet = doc.get("kubelet");
    Y ro = kubelet == null ? null : kubelet.get("readOnlyPort");
    if (ro != null) {
      set("readOnlyPort", bool(ro), ro.loc());
    }
    Y fw = doc.get("firewall");
    Y en = fw == null ? null : fw.get("enabled");
    if (en != null) {
      set("firewallEnabled", bool(en), en.loc());
    }
  }

  private void setEnum(String what, Y y, List<String> accepted, Function<String, Object> parse) {
    if (!accepted.contains(y.text())) {
      problems.add(new Problem(y.loc(), what + " '" + y.text() + "' is not known (expected one"
          + " of: " + String.join(", ", accepted) + ")"));
      return;
    }
    set(what, parse.apply(y.text()), y.loc());
  }

  private void setCidr(String key, Y y) {
    if (y != null) {
      Cidr c = cidr(y);
      if (c != null) {
        set(key, c, y.loc());
      }
    }
  }

  // ---- cluster config ----------------------------------------------------------------------

  private ClusterConfig config() {
    boolean kind = kindCluster != null;
    String flavor = setting("flavor", kind ? "kind" : "kubeadm");
    boolean kindFlavor = flavor.equals("kind");
    Cidr pods = setting("podSubnet", Cidr.parse("10.244.0.0/16"));
    Cidr svcs = setting("serviceSubnet", Cidr.parse(kindFlavor ? "10.96.0.0/16"
        : "10.96.0.0/12"));
    if (pods.overlaps(svcs)) {
      problems.add(new Problem(settingAt("serviceSubnet"), "serviceSubnet " + svcs
          + " overlaps podSubnet " + pods + " (expected separate ranges)"));
    }
    Object pcc = setting("proxyClusterCIDR", null);
    Cidr proxyCidr = pcc == null ? pods : pcc instanceof Cidr c ? c : null;
    ProxyConfig d = ProxyConfig.defaults();
    ProxyConfig proxy = new ProxyConfig(setting("kube-proxy mode", d.mode()), proxyCidr,
        setting("masqueradeAll", d.masqueradeAll()),
        setting("detectLocalMode", d.detectLocalMode()),
        setting("nodePortAddresses", d.nodePortAddresses()),
        setting("masqueradeBit", d.masqueradeBit()),
        setting("localhostNodePorts", d.localhostNodePorts()),
        setting("ipvsScheduler", d.ipvsScheduler()));
    boolean disableDefault = setting("disableDefaultCNI", false);
    CniConfig.Plugin plugin = setting("cni.plugin", disableDefault ? CniConfig.Plugin.none
        : kindFlavor ? CniConfig.Plugin.kindnet : CniConfig.Plugin.flannel);
    String backend = setting("cniBackend", plugin == CniConfig.Plugin.calico ? "ipip"
        : "vxlan");
    CniConfig cni = new CniConfig(plugin, backend, setting("ipallocRange", null),
        setting("cniInstalled", plugin != CniConfig.Plugin.none && !disableDefault),
        setting("cniMtu", 0), setting("vni", 1), setting("vxlanPort", 8472));
    return new ClusterConfig(setting("clusterName", kindFlavor ? "kind" : "kubernetes"),
        flavor, setting("kubernetesVersion", ClusterConfig.DEFAULT_VERSION), pods, svcs,
        setting("nodeCidrMaskSize", 24), setting("nodePortFrom", 30000),
        setting("nodePortTo", 32767), setting("dnsDomain", "cluster.local"), proxy, cni,
        setting("bridgeNfCallIptables", true), setting("ipForward", true),
        setting("firewallEnabled", false), setting("kubeletCertificateAuthority", null),
        setting("tunnel", "none"), setting("readOnlyPort", false));
  }

  // ---- nodes -------------------------------------------------------------------------------

  private List<Node> nodes(ClusterConfig cfg) {
    List<Y> declared = topology == null ? List.of() : seq(topology, "nodes");
    List<Y> kindNodes = kindCluster == null ? List.of() : seq(kindCluster, "nodes");
    boolean kind = cfg.flavor().equals("kind");
    List<Node> out = new ArrayList<>();
    if (!declared.isEmpty() && !kindNodes.isEmpty()) {
      boolean same = declared.size() == kindNodes.size();
      for (int i = 0; same && i < declared.size(); i++) {
        same = String.valueOf(str(declared.get(i), "role"))
            .equals(String.valueOf(str(kindNodes.get(i), "role")));
      }
      if (!same) {
        problems.add(new Problem(topology.get("nodes").loc(), "the Topology's nodes differ from"
            + " the kind Cluster's nodes at " + kindCluster.get("nodes").loc()
            + " (expected the same count and roles, in the same order)"));
      }
    }
    List<Y> source = !declared.isEmpty() ? declared : kindNodes;
    List<Node.Role> roles = new ArrayList<>();
    for (Y n : source) {
      Y r = n.get("role");
      String role = r == null ? "control-plane" : r.text();
      if (!role.equals("control-plane") && !role.equals("worker")) {
        problems.add(new Problem(r.loc(), "role '" + role
            + "' is not a node role (expected control-plane or worker)"));
      }
      roles.add(role.equals("worker") ? Node.Role.WORKER : Node.Role.CONTROL_PLANE);
    }
    if (source.isEmpty()) {
      roles.add(Node.Role.CONTROL_PLANE);
      if (!kind) {
        roles.add(Node.Role.WORKER);
      }
    }
    int cps = 0;
    int workers = 0;
    Map<String, Location> names = new HashMap<>();
    Map<Ip, String> addrs = new HashMap<>();
    for (int i = 0; i < roles.size(); i++) {
      Node.Role role = roles.get(i);
      Y n = i < source.size() ? source.get(i) : null;
      boolean cp = role == Node.Role.CONTROL_PLANE;
      int ordinal = cp ? ++cps : ++workers;
      String generated = kind
          ? cfg.name() + (cp ? "-control-plane" : "-worker") + (ordinal > 1 ? ordinal : "")
          : cp ? "controlplane" + (ordinal > 1 ? ordinal : "")
              : String.format(java.util.Locale.ROOT, "node%02d", ordinal);
      Y nameY = n != null && !declared.isEmpty() ? n.get("name") : null;
      String name = nameY == null ? generated : nameY.text();
      Location at = nameY != null ? nameY.loc() : n != null ? n.loc() : Location.of(firstFile);
      if (nameY != null && !DNS1123_SUB.matcher(name).matches()) {
        problems.add(new Problem(at, "node name '" + name + "' is not a valid name (expected"
            + " lower-case letters, digits, '-' and '.')"));
      }
      if (names.containsKey(name)) {
        problems.add(new Problem(at, "node " + name + " is defined twice (first at "
            + names.get(name) + ")"));
      }
      names.put(name, at);
      locations.put(Scenario.key("Node", null, name, null), at);
      List<IfAddr> addresses = new ArrayList<>();
      Ip gateway = null;
      int mtu = 1500;
      Cidr podCidr = null;
      Map<String, String> labels = new TreeMap<>();
      if (n != null && !declared.isEmpty()) {
        List<Y> as = seq(n, "addresses");
        for (int a = 0; a < as.size(); a++) {
          Y ay = as.get(a);
          try {
            IfAddr ia = IfAddr.parse(ay.text());
            String other = addrs.putIfAbsent(ia.ip(), name);
            if (other != null) {
              problems.add(new Problem(ay.loc(), "address " + ia.ip() + " is already used by"
                  + " node " + other + " (expected a unique node address)"));
            }
            if (ia.network().overlaps(cfg.podSubnet()) && ia.prefix() < 32
                || cfg.podSubnet().contains(ia.ip())) {
              problems.add(new Problem(ay.loc(), "node address " + ia + " overlaps the pod"
                  + " subnet " + cfg.podSubnet() + " (expected separate ranges)"));
            } else if (cfg.serviceSubnet().contains(ia.ip())) {
              problems.add(new Problem(ay.loc(), "node address " + ia + " is inside the"
                  + " service subnet " + cfg.serviceSubnet() + " (expected separate ranges)"));
            }
            addresses.add(ia);
            locations.put(Scenario.key("Node", null, name, "addresses[" + a + "]"), ay.loc());
          } catch (IllegalArgumentException e) {
            problems.add(new Problem(ay.loc(), "addresses[" + a + "]: " + e.getMessage()
                + " (expected an interface address like 192.168.56.10/24)"));
          }
        }
        Y gw = n.get("gateway");
        if (gw != null) {
          gateway = ip(gw, "gateway");
        } else if (!addresses.isEmpty()) {
          problems.add(new Problem(n.loc(), "node " + name + " has addresses but no gateway"
              + " (expected gateway: the default route's next hop)"));
        }
        Y m = n.get("mtu");
        if (m != null) {
          mtu = range(m, 576, 9000, "an MTU");
        }
        Y pc = n.get("podCIDR");
        if (pc != null) {
          podCidr = cidr(pc);
          locations.put(Scenario.key("Node", null, name, "podCIDR"), pc.loc());
          if (podCidr != null && !cfg.podSubnet().contains(podCidr)) {
            problems.add(new Problem(pc.loc(), "podCIDR " + podCidr + " of node " + name
                + " is outside the pod subnet (expected a range inside " + cfg.podSubnet()
                + ")"));
          }
          for (Node prev : out) {
            if (podCidr != null && prev.podCidr() != null && prev.podCidr().overlaps(podCidr)) {
              problems.add(new Problem(pc.loc(), "podCIDR " + podCidr + " of node " + name
                  + " overlaps node " + prev.name() + "'s " + prev.podCidr()
                  + " (expected separate ranges)"));
            }
          }
        }
        labels.putAll(stringMap(n.get("labels")));
      }
      labels.put("kubernetes.io/hostname", name);
      labels.put("kubernetes.io/os", "linux");
      labels.put("kubernetes.io/arch", "amd64");
      if (cp) {
        labels.put("node-role.kubernetes.io/control-plane", "");
      }
      out.add(new Node(name, role, addresses, podCidr, labels,
          cp ? List.of(Taint.CONTROL_PLANE) : List.of(), gateway, mtu));
    }
    return out;
  }

  // ---- manifests ---------------------------------------------------------------------------

  /** Converts manifest documents, in order, against a fixed configuration and node list. */
  private final class Manifests {
    private final ClusterConfig cfg;
    private final List<Node> nodes;
    private final List<String> namespaces = new ArrayList<>();
    private final List<Pod> pods = new ArrayList<>();
    private final List<Workload> workloads = new ArrayList<>();
    private final List<Service> services = new ArrayList<>();
    private final List<EndpointSlice> slices = new ArrayList<>();
    private final Map<String, Location> seen = new HashMap<>();
    private final Map<Integer, String> nodePorts = new HashMap<>();
    private final Map<Ip, String> clusterIps = new HashMap<>();
    private final Map<Ip, String> podIps = new HashMap<>();
    private final Map<String, Node> nodesByName = new HashMap<>();

    Manifests(ClusterConfig cfg, List<Node> nodes) {
      this.cfg = cfg;
      this.nodes = nodes;
      nodes.forEach(n -> nodesByName.put(n.name(), n));
    }

    void add(Y doc) {
      String kind = str(doc, "kind");
      Y meta = doc.get("metadata");
      Y nameY = meta == null ? null : meta.get("name");
      if (nameY == null) {
        problems.add(new Problem(meta == null ? doc.get("kind").loc() : meta.loc(), kind
            + " has no metadata.name (expected a name)"));
        return;
      }
      String name = nameY.text();
      Pattern p = kind.equals("Namespace") || kind.equals("Service") ? DNS1123 : DNS1123_SUB;
      if (name == null || name.length() > 253 || !p.matcher(name).matches()) {
        problems.add(new Problem(nameY.loc(), kind + " name '" + name + "' is not a valid name"
            + " (expected lower-case letters, digits and '-', starting and ending with a letter"
            + " or digit)"));
        return;
      }
      Y nsY = meta.get("namespace");
      String ns = kind.equals("Namespace") ? null : nsY == null ? "default" : nsY.text();
      if (ns != null && !DNS1123.matcher(ns).matches()) {
        problems.add(new Problem(nsY.loc(), "namespace '" + ns + "' is not a valid name"
            + " (expected lower-case letters, digits and '-')"));
        return;
      }
      String key = Scenario.key(kind, ns, name, null);
      if (seen.containsKey(key)) {
        problems.add(new Problem(nameY.loc(), kind + " " + (ns == null ? "" : ns + "/") + name
            + " is defined twice (first at " + seen.get(key) + ")"));
        return;
      }
      seen.put(key, doc.loc());
      locations.put(key, doc.loc());
      Y spec = doc.get("spec");
      switch (kind) {
        case "Namespace" -> namespaces.add(name);
        case "Pod" -> {
          Pod pod = pod(ns, name, meta, spec, doc.get("status"), nodesByName, podIps);
          if (pod != null) {
            pods.add(pod);
          }
        }
        case "Deployment", "ReplicaSet" -> {
          Workload w = workload(kind, ns, name, spec);
          if (w != null) {
            workloads.add(w);
          }
        }
        case "Service" -> {
          Service s = service(cfg, ns, name, spec, doc.get("status"), nodePorts, clusterIps);
          if (s != null) {
            services.add(s);
          }
        }
        case "EndpointSlice" -> {
          EndpointSlice e = endpointSlice(doc, ns, name);
          if (e != null) {
            slices.add(e);
          }
        }
        case "Endpoints" -> {
          EndpointSlice e = endpoints(doc, ns, name);
          if (e != null) {
            slices.add(e);
          }
        }
        case "NetworkPolicy" -> { }
        default -> problems.add(new Problem(doc.loc(), "unexpected kind " + kind));
      }
    }

    Scenario finish() {
      List<ExternalClient> clients = new ArrayList<>();
      List<FirewallRule> firewall = new ArrayList<>();
      String title = null;
      String narrative = null;
      String scenarioName = firstFile;
      if (topology != null) {
        Y meta = topology.get("metadata");
        Y n = meta == null ? null : meta.get("name");
        if (n != null) {
          scenarioName = n.text();
        }
        title = str(topology, "title");
        narrative = str(topology, "narrative");
        for (Y c : seq(topology, "clients")) {
          String cname = str(c, "name");
          Y ipY = c.get("ip");
          if (cname == null || ipY == null) {
            problems.add(new Problem(c.loc(), "a client needs a name and an ip (expected"
                + " {name: laptop, ip: 203.0.113.7})"));
            continue;
          }
          Ip ip = ip(ipY, "client ip");
          if (ip != null) {
            clients.add(new ExternalClient(cname, ip));
          }
        }
        Y fw = topology.get("firewall");
        for (Y r : fw == null ? List.<Y>of() : seq(fw, "rules")) {
          FirewallRule rule = firewallRule(r, nodesByName);
          if (rule != null) {
            firewall.add(rule);
          }
        }
      }
      return new Scenario(scenarioName, title == null ? scenarioName : title, narrative, cfg,
          nodes, namespaces, pods, workloads, services, slices, clients, firewall, locations,
          expectations);
    }
  }


  private Pod pod(String ns, String name, Y meta, Y spec, Y status, Map<String, Node> nodes,
      Map<Ip, String> podIps) {
    if (spec == null) {
      problems.add(new Problem(meta.loc(), "Pod " + ns + "/" + name + " has no spec (expected"
          + " spec.containers)"));
      return null;
    }
    Map<String, String> labels = stringMap(meta.get("labels"));
    String node = null;
    Y nodeY = spec.get("nodeName");
    if (nodeY != null) {
      node = nodeY.text();
      locations.put(Scenario.key("Pod", ns, name, "spec.nodeName"), nodeY.loc());
      if (!nodes.containsKey(node)) {
        problems.add(new Problem(nodeY.loc(), "pod " + ns + "/" + name + " is bound to unknown"
            + " node '" + node + "' (expected one of: " + String.join(", ",
                new java.util.TreeSet<>(nodes.keySet())) + ")"));
      }
    }
    boolean hostNetwork = spec.get("hostNetwork") != null && bool(spec.get("hostNetwork"));
    List<ContainerPort> ports = containerPorts(spec);
    Ip ip = null;
    boolean ready = true;
    if (status != null) {
      Y ipY = status.get("podIP");
      if (ipY != null) {
        ip = ip(ipY, "status.podIP");
        locations.put(Scenario.key("Pod", ns, name, "status.podIP"), ipY.loc());
        if (ip != null && !hostNetwork) {
          String other = podIps.putIfAbsent(ip, ns + "/" + name);
          if (other != null) {
            problems.add(new Problem(ipY.loc(), "pod IP " + ip + " is already used by pod "
                + other + " (expected a unique address)"));
          }
        }
      }
      for (Y c : seq(status, "conditions")) {
        if ("Ready".equals(str(c, "type")) && "False".equals(str(c, "status"))) {
          ready = false;
        }
      }
    }
    List<String> tolerations = new ArrayList<>();
    for (Y t : seq(spec, "tolerations")) {
      String k = str(t, "key");
      tolerations.add(k == null ? "*" : k);
    }
    boolean terminating = meta.get("deletionTimestamp") != null;
    return new Pod(ns, name, labels, node, ip, hostNetwork, ports, Pod.Phase.RUNNING, ready,
        terminating, null, tolerations, List.of());
  }

  private List<ContainerPort> containerPorts(Y podSpec) {
    List<ContainerPort> ports = new ArrayList<>();
    List<Y> containers = seq(podSpec, "containers");
    if (containers.isEmpty()) {
      problems.add(new Problem(podSpec.loc(), "the pod spec has no containers (expected"
          + " containers: [{name, image}])"));
    }
    for (Y c : containers) {
      for (Y p : seq(c, "ports")) {
        Y cp = p.get("containerPort");
        if (cp == null) {
          problems.add(new Problem(p.loc(), "a container port needs containerPort (expected a"
              + " port number 1-65535)"));
          continue;
        }
        int port = port(cp, "containerPort");
        Protocol proto = protocol(p.get("protocol"));
        ports.add(new ContainerPort(str(p, "name"), port, proto));
      }
    }
    return ports;
  }

  private Workload workload(String kind, String ns, String name, Y spec) {
    if (spec == null) {
      problems.add(new Problem(locations.get(Scenario.key(kind, ns, name, null)), kind + " "
          + ns + "/" + name + " has no spec (expected replicas, selector, template)"));
      return null;
    }
    int replicas = 1;
    Y r = spec.get("replicas");
    if (r != null) {
      replicas = integer(r);
      locations.put(Scenario.key(kind, ns, name, "spec.replicas"), r.loc());
      if (replicas < 0) {
        problems.add(new Problem(r.loc(), "spec.replicas " + replicas + " is negative"
            + " (expected 0 or more)"));
        return null;
      }
    }
    Y sel = spec.get("selector");
    Map<String, String> selector = stringMap(sel == null ? null : sel.get("matchLabels"));
    Y template = spec.get("template");
    Y tmeta = template == null ? null : template.get("metadata");
    Y tspec = template == null ? null : template.get("spec");
    if (tspec == null) {
      problems.add(new Problem(spec.loc(), kind + " " + ns + "/" + name + " has no"
          + " template.spec (expected a pod template)"));
      return null;
    }
    Map<String, String> labels = stringMap(tmeta == null ? null : tmeta.get("labels"));
    if (selector.isEmpty()) {
      problems.add(new Problem(sel == null ? spec.loc() : sel.loc(), kind + " " + ns + "/"
          + name + " has no spec.selector.matchLabels (expected the template's labels)"));
    } else if (!labels.entrySet().containsAll(selector.entrySet())) {
      problems.add(new Problem(sel.loc(), "spec.selector " + new TreeMap<>(selector)
          + " does not match the template labels " + new TreeMap<>(labels)
          + " (expected the template to carry every selector label)"));
    }
    Y nodeY = tspec.get("nodeName");
    boolean hostNetwork = tspec.get("hostNetwork") != null && bool(tspec.get("hostNetwork"));
    return new Workload(kind, ns, name, replicas, selector, labels, containerPorts(tspec),
        nodeY == null ? null : nodeY.text(), hostNetwork);
  }

  private Service service(ClusterConfig cfg, String ns, String name, Y spec, Y status,
      Map<Integer, String> nodePorts, Map<Ip, String> clusterIps) {
    String key = ns + "/" + name;
    if (spec == null) {
      problems.add(new Problem(locations.get(Scenario.key("Service", ns, name, null)),
          "Service " + key + " has no spec (expected ports)"));
      return null;
    }
    Service.Type type = Service.Type.ClusterIP;
    Y typeY = spec.get("type");
    if (typeY != null) {
      try {
        type = Service.Type.valueOf(typeY.text());
      } catch (IllegalArgumentException e) {
        problems.add(new Problem(typeY.loc(), "type '" + typeY.text() + "' is not a Service"
            + " type (expected ClusterIP, NodePort, LoadBalancer or ExternalName)"));
        return null;
      }
    }
    boolean nodePortType = type == Service.Type.NodePort || type == Service.Type.LoadBalancer;
    Ip clusterIp = null;
    boolean headless = false;
    Y cipY = spec.get("clusterIP");
    if (cipY != null) {
      locations.put(Scenario.key("Service", ns, name, "spec.clusterIP"), cipY.loc());
      if (cipY.text().equals("None")) {
        headless = true;
      } else if (!cipY.text().isEmpty()) {
        clusterIp = ip(cipY, "spec.clusterIP");
        if (clusterIp != null && !cfg.serviceSubnet().contains(clusterIp)) {
          problems.add(new Problem(cipY.loc(), "clusterIP " + clusterIp + " is outside the"
              + " service CIDR (expected an address in " + cfg.serviceSubnet() + ")"));
        } else if (clusterIp != null) {
          String other = clusterIps.putIfAbsent(clusterIp, key);
          if (other != null) {
            problems.add(new Problem(cipY.loc(), "clusterIP " + clusterIp + " is already"
                + " allocated to Service " + other + " (expected a free address in "
                + cfg.serviceSubnet() + ")"));
          }
        }
      }
    }
    List<Y> portsY = seq(spec, "ports");
    List<ServicePort> ports = new ArrayList<>();
    Map<String, Location> portNames = new HashMap<>();
    Map<String, Location> portKeys = new HashMap<>();
    for (int i = 0; i < portsY.size(); i++) {
      Y p = portsY.get(i);
      String path = "spec.ports[" + i + "]";
      Y portY = p.get("port");
      if (portY == null) {
        problems.add(new Problem(p.loc(), path + " has no port (expected a port number"
            + " 1-65535)"));
        continue;
      }
      int port = port(portY, "port");
      Protocol proto = protocol(p.get("protocol"));
      String pname = str(p, "name");
      pname = pname == null ? "" : pname;
      if (portsY.size() > 1 && pname.isEmpty()) {
        problems.add(new Problem(p.loc(), path + " has no name (expected a name on every port"
            + " of a Service with several ports)"));
      } else if (!pname.isEmpty() && portNames.containsKey(pname)) {
        problems.add(new Problem(p.get("name").loc(), "port name '" + pname + "' is used twice"
            + " (expected unique names; first at " + portNames.get(pname) + ")"));
      }
      portNames.putIfAbsent(pname, p.loc());
      String pk = port + "/" + proto;
      if (portKeys.containsKey(pk)) {
        problems.add(new Problem(portY.loc(), "port " + pk + " is listed twice (expected each"
            + " port and protocol once)"));
      }
      portKeys.putIfAbsent(pk, portY.loc());
      IntOrString target = IntOrString.of(port);
      Y tY = p.get("targetPort");
      if (tY != null) {
        locations.put(Scenario.key("Service", ns, name, path + ".targetPort"), tY.loc());
        if (tY.tag().equals(org.snakeyaml.engine.v2.nodes.Tag.INT.getValue())) {
          target = IntOrString.of(port(tY, "targetPort"));
        } else if (DNS1123.matcher(tY.text()).matches() && tY.text().length() <= 15) {
          target = IntOrString.of(tY.text());
        } else {
          problems.add(new Problem(tY.loc(), "targetPort '" + tY.text() + "' is neither a port"
              + " number nor a port name (expected 1-65535 or a name of at most 15 characters)"));
        }
      }
      Integer nodePort = null;
      Y npY = p.get("nodePort");
      if (npY != null) {
        nodePort = integer(npY);
        locations.put(Scenario.key("Service", ns, name, path + ".nodePort"), npY.loc());
        if (!nodePortType) {
          problems.add(new Problem(npY.loc(), "nodePort is set on a " + type + " Service"
              + " (expected type NodePort or LoadBalancer)"));
        } else if (!cfg.nodePortInRange(nodePort)) {
          problems.add(new Problem(npY.loc(), "nodePort " + nodePort + " is outside the"
              + " NodePort range (expected " + cfg.nodePortRange() + ")"));
        } else {
          String other = nodePorts.putIfAbsent(nodePort, key);
          if (other != null) {
            problems.add(new Problem(npY.loc(), "nodePort " + nodePort + " is already used by"
                + " Service " + other + " (expected a free port in " + cfg.nodePortRange()
                + ")"));
          }
        }
      }
      ports.add(new ServicePort(pname, proto, port, target, nodePort));
    }
    Map<String, String> selector = spec.get("selector") == null ? null
        : stringMap(spec.get("selector"));
    Service.TrafficPolicy etp = policy(spec.get("externalTrafficPolicy"));
    if (etp == Service.TrafficPolicy.Local && !nodePortType
        && spec.get("externalIPs") == null) {
      problems.add(new Problem(spec.get("externalTrafficPolicy").loc(),
          "externalTrafficPolicy Local is set on a " + type + " Service (expected type"
              + " NodePort or LoadBalancer)"));
    }
    Service.TrafficPolicy itp = policy(spec.get("internalTrafficPolicy"));
    boolean affinity = false;
    Y sa = spec.get("sessionAffinity");
    if (sa != null) {
      if (!List.of("None", "ClientIP").contains(sa.text())) {
        problems.add(new Problem(sa.loc(), "sessionAffinity '" + sa.text() + "' is not known"
            + " (expected None or ClientIP)"));
      }
      affinity = "ClientIP".equals(sa.text());
    }
    int timeout = 10800;
    Y sac = spec.get("sessionAffinityConfig");
    Y cip = sac == null ? null : sac.get("clientIP");
    Y to = cip == null ? null : cip.get("timeoutSeconds");
    if (to != null) {
      timeout = range(to, 1, 86400, "a timeout in seconds");
    }
    List<Ip> externalIps = new ArrayList<>();
    for (Y e : seq(spec, "externalIPs")) {
      Ip ip = ip(e, "externalIPs");
      if (ip != null) {
        externalIps.add(ip);
      }
    }
    List<Ip> ingress = new ArrayList<>();
    Y lb = status == null ? null : status.get("loadBalancer");
    for (Y i : lb == null ? List.<Y>of() : seq(lb, "ingress")) {
      Y ipY = i.get("ip");
      if (ipY != null) {
        Ip ip = ip(ipY, "ingress ip");
        if (ip != null) {
          ingress.add(ip);
        }
      }
    }
    List<String> sourceRanges = new ArrayList<>();
    for (Y r : seq(spec, "loadBalancerSourceRanges")) {
      Cidr c = cidr(r);
      if (c != null) {
        sourceRanges.add(c.toString());
      }
    }
    String externalName = str(spec, "externalName");
    if (type == Service.Type.ExternalName && externalName == null) {
      problems.add(new Problem(spec.loc(), "ExternalName Service " + key + " has no"
          + " externalName (expected a DNS name)"));
    }
    if (type != Service.Type.ExternalName && ports.isEmpty() && !headless) {
      problems.add(new Problem(spec.loc(), "Service " + key + " has no ports (expected"
          + " spec.ports)"));
    }
    Integer hc = null;
    Y hcY = spec.get("healthCheckNodePort");
    if (hcY != null) {
      hc = integer(hcY);
      if (!cfg.nodePortInRange(hc)) {
        problems.add(new Problem(hcY.loc(), "healthCheckNodePort " + hc + " is outside the"
            + " NodePort range (expected " + cfg.nodePortRange() + ")"));
      } else {
        String other = nodePorts.putIfAbsent(hc, key);
        if (other != null) {
          problems.add(new Problem(hcY.loc(), "healthCheckNodePort " + hc + " is already used"
              + " by Service " + other + " (expected a free port in " + cfg.nodePortRange()
              + ")"));
        }
      }
    }
    boolean pnr = spec.get("publishNotReadyAddresses") != null
        && bool(spec.get("publishNotReadyAddresses"));
    return new Service(ns, name, type, clusterIp, headless, ports, selector,
        nodePortType ? etp : Service.TrafficPolicy.Cluster, itp, affinity, timeout, externalIps,
        ingress, sourceRanges, externalName, hc, pnr);
  }

  private Service.TrafficPolicy policy(Y y) {
    if (y == null) {
      return Service.TrafficPolicy.Cluster;
    }
    try {
      return Service.TrafficPolicy.valueOf(y.text());
    } catch (IllegalArgumentException e) {
      problems.add(new Problem(y.loc(), "traffic policy '" + y.text() + "' is not known"
          + " (expected Cluster or Local)"));
      return Service.TrafficPolicy.Cluster;
    }
  }

  private EndpointSlice endpointSlice(Y doc, String ns, String name) {
    Y meta = doc.get("metadata");
    Map<String, String> labels = stringMap(meta.get("labels"));
    String svc = labels.get("kubernetes.io/service-name");
    if (svc == null) {
      problems.add(new Problem(meta.loc(), "EndpointSlice " + ns + "/" + name + " has no"
          + " kubernetes.io/service-name label (expected the name of its Service)"));
      return null;
    }
    Y at = doc.get("addressType");
    if (at == null || !at.text().equals("IPv4")) {
      problems.add(new Problem(at == null ? doc.loc() : at.loc(), "addressType "
          + (at == null ? "is missing" : "'" + at.text() + "' is not modelled")
          + " (expected IPv4)"));
      return null;
    }
    List<EndpointSlice.Port> ports = new ArrayList<>();
    for (Y p : seq(doc, "ports")) {
      Y portY = p.get("port");
      if (portY == null) {
        problems.add(new Problem(p.loc(), "an EndpointSlice port needs port (expected a port"
            + " number 1-65535)"));
        continue;
      }
      String pn = str(p, "name");
      ports.add(new EndpointSlice.Port(pn == null ? "" : pn, protocol(p.get("protocol")),
          port(portY, "port")));
    }
    List<EndpointSlice.Endpoint> eps = new ArrayList<>();
    for (Y e : seq(doc, "endpoints")) {
      List<Y> addrs = seq(e, "addresses");
      if (addrs.isEmpty()) {
        problems.add(new Problem(e.loc(), "an endpoint needs addresses (expected one IPv4"
            + " address)"));
        continue;
      }
      Ip ip = ip(addrs.get(0), "address");
      Y cond = e.get("conditions");
      boolean ready = cond == null || cond.get("ready") == null || bool(cond.get("ready"));
      boolean serving = cond == null || cond.get("serving") == null ? ready
          : bool(cond.get("serving"));
      boolean terminating = cond != null && cond.get("terminating") != null
          && bool(cond.get("terminating"));
      Y ref = e.get("targetRef");
      if (ip != null) {
        eps.add(new EndpointSlice.Endpoint(ip, ready, serving, terminating, str(e, "nodeName"),
            ref == null ? null : str(ref, "name")));
      }
    }
    return new EndpointSlice(ns, name, svc, ports, eps);
  }

  private EndpointSlice endpoints(Y doc, String ns, String name) {
    List<EndpointSlice.Port> ports = new ArrayList<>();
    List<EndpointSlice.Endpoint> eps = new ArrayList<>();
    for (Y subset : seq(doc, "subsets")) {
      for (Y p : seq(subset, "ports")) {
        Y portY = p.get("port");
        if (portY != null) {
          String pn = str(p, "name");
          ports.add(new EndpointSlice.Port(pn == null ? "" : pn, protocol(p.get("protocol")),
              port(portY, "port")));
        }
      }
      for (String list : List.of("addresses", "notReadyAddresses")) {
        boolean ready = list.equals("addresses");
        for (Y a : seq(subset, list)) {
          Y ipY = a.get("ip");
          if (ipY == null) {
            problems.add(new Problem(a.loc(), "an address needs ip (expected an IPv4"
                + " address)"));
            continue;
          }
          Ip ip = ip(ipY, "ip");
          Y ref = a.get("targetRef");
          if (ip != null) {
            eps.add(new EndpointSlice.Endpoint(ip, ready, ready, false, str(a, "nodeName"),
                ref == null ? null : str(ref, "name")));
          }
        }
      }
    }
    return new EndpointSlice(ns, name, name, ports, eps);
  }

  private FirewallRule firewallRule(Y r, Map<String, Node> nodes) {
    String name = str(r, "name");
    if (name == null) {
      problems.add(new Problem(r.loc(), "a firewall rule needs a name (expected name: ...)"));
      return null;
    }
    int priority = r.get("priority") == null ? 1000 : integer(r.get("priority"));
    FirewallRule.Action action = FirewallRule.Action.allow;
    Y a = r.get("action");
    if (a != null) {
      if (!List.of("allow", "deny").contains(a.text())) {
        problems.add(new Problem(a.loc(), "action '" + a.text() + "' is not known (expected"
            + " allow or deny)"));
      } else {
        action = FirewallRule.Action.valueOf(a.text());
      }
    }
    List<Cidr> sources = new ArrayList<>();
    for (Y s : seq(r, "sources")) {
      Cidr c = cidr(s);
      if (c != null) {
        sources.add(c);
      }
    }
    if (sources.isEmpty()) {
      sources.add(Cidr.DEFAULT);
    }
    Protocol proto = firewallProtocol(r.get("protocol"));
    int from = 0;
    int to = 0;
    Y ports = r.get("ports");
    if (ports != null) {
      String[] p = ports.text().split("-");
      from = parseIntOr(p[0], -1);
      to = p.length == 2 ? parseIntOr(p[1], -1) : from;
      if (p.length > 2 || from < 1 || to > 65535 || from > to) {
        problems.add(new Problem(ports.loc(), "ports '" + ports.text() + "' is not a port or"
            + " port range (expected e.g. \"6443\" or \"30000-32767\")"));
      }
    }
    List<String> ruleNodes = new ArrayList<>();
    for (Y n : seq(r, "nodes")) {
      if (!nodes.containsKey(n.text())) {
        problems.add(new Problem(n.loc(), "firewall rule " + name + " names unknown node '"
            + n.text() + "' (expected one of: " + String.join(", ",
                new java.util.TreeSet<>(nodes.keySet())) + ")"));
      }
      ruleNodes.add(n.text());
    }
    return new FirewallRule(name, priority, action, sources, proto, from, to, ruleNodes);
  }

  // ---- expectations ------------------------------------------------------------------------

  private static final List<String> VERDICTS = List.of("DELIVERED", "REJECTED", "DROPPED",
      "NO_ROUTE", "TTL_EXCEEDED", "TIMEOUT");
  private static final Set<String> FLOW_KEYS = Set.of("name", "from", "enter", "to",
      "proxyMode", "expect");
  private static final Set<String> EXPECT_KEYS = Set.of("verdict", "servedBy", "sourceSeen",
      "masqueraded", "rule", "visits", "reply");

  /** A kubewalk Expectations document: {@code flows: [{name, from, to, expect: {...}}]}. */
  private void expectations(Y doc) {
    List<Y> flows = seq(doc, "flows");
    if (flows.isEmpty()) {
      problems.add(new Problem(doc.loc(), "an Expectations document needs flows (expected"
          + " flows: [{name, from, to, expect: {verdict: DELIVERED}}])"));
    }
    for (Y f : flows) {
      if (!f.isMap()) {
        problems.add(new Problem(f.loc(), "a flow must be a mapping (expected name, from, to,"
            + " expect)"));
        continue;
      }
      unknownKeys(f, FLOW_KEYS);
      String name = required(f, "name");
      String from = required(f, "from");
      String to = required(f, "to");
      Y e = f.get("expect");
      if (e == null || !e.isMap()) {
        problems.add(new Problem(e == null ? f.loc() : e.loc(), "flow " + name + " needs expect"
            + " (expected a mapping like {verdict: DELIVERED})"));
        continue;
      }
      unknownKeys(e, EXPECT_KEYS);
      String mode = str(f, "proxyMode");
      if (mode != null && !PROXY_MODES.contains(mode)) {
        problems.add(new Problem(f.get("proxyMode").loc(), "proxyMode '" + mode + "' is not"
            + " known (expected one of: " + String.join(", ", PROXY_MODES) + ")"));
      }
      String seen = str(e, "sourceSeen");
      if (seen != null && !seen.equals("client") && !seen.equals("node")) {
        ip(e.get("sourceSeen"), "sourceSeen (client, node or an IP address)");
      }
      String verdict = verdict(e, "verdict");
      String reply = verdict(e, "reply");
      Y masq = e.get("masqueraded");
      Y served = e.get("servedBy");
      Y visits = e.get("visits");
      expectations.add(new Expectation(name, f.loc(), from, str(f, "enter"), to, mode, verdict,
          served == null ? null : strings(e, "servedBy"), seen,
          masq == null ? null : bool(masq), str(e, "rule"),
          visits == null ? null : strings(e, "visits"), reply));
    }
  }

  private static final Map<String, String> FLOW_EXAMPLES = Map.of("name",
      "name: client reaches web", "from", "from: pod/default/client", "to",
      "to: svc/default/web:80");

  private String required(Y parent, String key) {
    String v = str(parent, key);
    if (v == null || v.isBlank()) {
      problems.add(new Problem(parent.loc(), "a flow needs '" + key + "' (expected e.g. "
          + FLOW_EXAMPLES.get(key) + ")"));
    }
    return v;
  }

  private String verdict(Y parent, String key) {
    String v = str(parent, key);
    if (v != null && !VERDICTS.contains(v)) {
      problems.add(new Problem(parent.get(key).loc(), key + " '" + v + "' is not a verdict"
          + " (expected one of: " + String.join(", ", VERDICTS) + ")"));
    }
    return v;
  }

  private List<String> strings(Y parent, String key) {
    List<String> out = new ArrayList<>();
    for (Y y : seq(parent, key)) {
      out.add(y.isScalar() ? y.text() : "");
    }
    return out;
  }

  private void unknownKeys(Y map, Set<String> known) {
    for (String k : map.entries().keySet()) {
      if (!known.contains(k)) {
        problems.add(new Problem(map.keyLoc(k), "unknown field '" + k + "' (expected one of: "
            + String.join(", ", new java.util.TreeSet<>(known)) + ")"));
      }
    }
  }

  // ---- typed values ------------------------------------------------------------------------

  private static String str(Y parent, String key) {
    Y v = parent == null ? null : parent.get(key);
    return v == null || !v.isScalar() ? null : v.text();
  }

  private List<Y> seq(Y parent, String key) {
    Y v = parent == null ? null : parent.get(key);
    if (v == null) {
      return List.of();
    }
    if (!v.isSeq()) {
      problems.add(new Problem(v.loc(), key + " must be a list (expected a YAML sequence)"));
      return List.of();
    }
    return v.items();
  }

  private Map<String, String> stringMap(Y y) {
    Map<String, String> m = new LinkedHashMap<>();
    if (y == null) {
      return m;
    }
    if (!y.isMap()) {
      problems.add(new Problem(y.loc(), "expected a mapping of strings (e.g. {app: web})"));
      return m;
    }
    for (Map.Entry<String, Y> e : y.entries().entrySet()) {
      m.put(e.getKey(), e.getValue().isScalar() ? e.getValue().text() : "");
    }
    return m;
  }

  private boolean bool(Y y) {
    if (y.tag().equals(org.snakeyaml.engine.v2.nodes.Tag.BOOL.getValue())) {
      return Boolean.parseBoolean(y.text().toLowerCase(java.util.Locale.ROOT));
    }
    problems.add(new Problem(y.loc(), "'" + y.text() + "' is not a boolean (expected true or"
        + " false)"));
    return false;
  }

  private int integer(Y y) {
    if (y.isScalar() && y.tag().equals(org.snakeyaml.engine.v2.nodes.Tag.INT.getValue())) {
      try {
        return Integer.parseInt(y.text());
      } catch (NumberFormatException e) {
        // fall through
      }
    }
    problems.add(new Problem(y.loc(), "'" + (y.isScalar() ? y.text() : "...")
        + "' is not a number (expected an integer)"));
    return 0;
  }

  private int range(Y y, int min, int max, String what) {
    int v = integer(y);
    if (v != 0 && (v < min || v > max)) {
      problems.add(new Problem(y.loc(), v + " is outside " + min + "-" + max + " (expected "
          + what + ")"));
    }
    return v;
  }

  private int port(Y y, String field) {
    int v = integer(y);
    if (y.tag().equals(org.snakeyaml.engine.v2.nodes.Tag.INT.getValue())
        && (v < 1 || v > 65535)) {
      problems.add(new Problem(y.loc(), field + " " + v + " is outside 1-65535 (expected a"
          + " port number)"));
    }
    return v;
  }

  /** A firewall rule's protocol as cloud firewalls write it: tcp, udp, sctp; all or absent: any. */
  private Protocol firewallProtocol(Y y) {
    if (y == null || y.text().equalsIgnoreCase("all")) {
      return null;
    }
    try {
      return Protocol.parse(y.text().toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      problems.add(new Problem(y.loc(), "protocol '" + y.text() + "' is not supported"
          + " (expected tcp, udp, sctp or all)"));
      return null;
    }
  }

  private Protocol protocol(Y y) {
    if (y == null) {
      return Protocol.TCP;
    }
    try {
      if (!y.text().equals(y.text().toUpperCase(java.util.Locale.ROOT))) {
        throw new IllegalArgumentException();
      }
      return Protocol.parse(y.text());
    } catch (IllegalArgumentException e) {
      problems.add(new Problem(y.loc(), "protocol '" + y.text() + "' is not supported"
          + " (expected TCP, UDP or SCTP)"));
      return Protocol.TCP;
    }
  }

  private Ip ip(Y y, String field) {
    try {
      return Ip.parse(y.text());
    } catch (IllegalArgumentException e) {
      problems.add(new Problem(y.loc(), field + ": " + e.getMessage()
          + " (expected an address like 10.96.0.10)"));
      return null;
    }
  }

  private Cidr cidr(Y y) {
    try {
      return Cidr.parse(y.text());
    } catch (IllegalArgumentException e) {
      problems.add(new Problem(y.loc(), e.getMessage() + " (expected a CIDR like"
          + " 10.244.0.0/16)"));
      return null;
    }
  }

  private static int parseIntOr(String s, int dflt) {
    try {
      return Integer.parseInt(s.trim());
    } catch (NumberFormatException e) {
      return dflt;
    }
  }
}
