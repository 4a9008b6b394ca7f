package io.kubewalk.sim.shell.kubectl;

import io.kubewalk.sim.api.EndpointSlice;
import io.kubewalk.sim.api.Event;
import io.kubewalk.sim.api.Node;
import io.kubewalk.sim.api.Pod;
import io.kubewalk.sim.api.Service;
import io.kubewalk.sim.api.ServicePort;
import io.kubewalk.sim.control.Cluster;
import io.kubewalk.sim.control.StaticPods;
import io.kubewalk.sim.net.Ip;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * An emulated {@code kubectl} over a reconciled {@link Cluster}: {@code get} for nodes, pods,
 * services, endpoints, endpointslices and namespaces ({@code -o wide}, {@code -n NS}, {@code -A}),
 * {@code describe pod|svc NAME}, {@code cluster-info} and {@code get --raw /api}, printed in
 * kubectl's own columns and wording.
 */
public final class Kubectl {

  private final Cluster cluster;

  public Kubectl(Cluster cluster) {
    this.cluster = cluster;
  }

  /** Runs {@code kubectl ARGS}; argv excludes the word "kubectl". */
  public Result run(List<String> argv) {
    List<String> args = new ArrayList<>(argv);
    if (!args.isEmpty() && args.get(0).equals("kubectl")) {
      args.remove(0);
    }
    if (!args.isEmpty() && args.get(0).equals("proxy")) {
      return proxy(args.subList(1, args.size()));
    }
    if (args.size() == 2 && args.get(0).equals("config") && args.get(1).equals("view")) {
      return Result.ok(configView());
    }
    Options o;
    try {
      o = Options.parse(args);
    } catch (IllegalArgumentException e) {
      return Result.error(e.getMessage());
    }
    if (o.words.isEmpty()) {
      return Result.error("error: You must specify a command (kubewalk supports: get, describe,"
          + " cluster-info, config view, proxy)");
    }
    return switch (o.words.get(0)) {
      case "get" -> get(o);
      case "describe" -> describe(o);
      case "cluster-info" -> Result.ok(clusterInfo());
      default -> Result.error("error: unknown command \"" + o.words.get(0)
          + "\" for \"kubectl\" (kubewalk supports: get, describe, cluster-info, config view,"
          + " proxy)");
    };
  }

  /** Result of a command: what it prints on stdout and stderr, and its exit code. */
  public record Result(String out, String err, int exitCode) {
    static Result ok(String out) {
      return new Result(out, "", 0);
    }

    static Result error(String err) {
      return new Result("", err.endsWith("\n") ? err : err + "\n", 1);
    }
  }

  private static final class Options {
    final List<String> words = new ArrayList<>();
    String namespace = "default";
    boolean allNamespaces;
    String output = "";
    String raw;

    static Options parse(List<String> args) {
      Options o = new Options();
      for (int i = 0; i < args.size(); i++) {
        String a = args.get(i);
        if (a.equals("-A") || a.equals("--all-namespaces")) {
          o.allNamespaces = true;
        } else if (a.equals("-n") || a.equals("--namespace")) {
          o.namespace = value(args, ++i, a);
        } else if (a.startsWith("--namespace=")) {
          o.namespace = a.substring("--namespace=".length());
        } else if (a.equals("-o") || a.equals("--output")) {
          o.output = value(args, ++i, a);
        } else if (a.startsWith("-o") && a.length() > 2) {
          o.output = a.substring(a.startsWith("-o=") ? 3 : 2);
        } else if (a.startsWith("--output=")) {
          o.output = a.substring("--output=".length());
        } else if (a.equals("--raw")) {
          o.raw = value(args, ++i, a);
        } else if (a.startsWith("--raw=")) {
          o.raw = a.substring("--raw=".length());
        } else if (a.startsWith("-")) {
          throw new IllegalArgumentException("error: unknown flag: " + a
              + " (kubewalk supports -n, -A, -o wide, --raw)");
        } else {
          o.words.add(a);
        }
      }
      if (!o.output.isEmpty() && !List.of("wide", "name", "yaml").contains(o.output)) {
        throw new IllegalArgumentException("error: output format \"" + o.output
            + "\" is not supported by kubewalk (supported: wide, name, yaml for one pod)");
      }
      return o;
    }

    static String value(List<String> args, int i, String flag) {
      if (i >= args.size()) {
        throw new IllegalArgumentException("error: flag needs an argument: " + flag);
      }
      return args.get(i);
    }

    boolean wide() {
      return output.equals("wide");
    }
  }

  // ---- get ---------------------------------------------------------------------------------

  private Result get(Options o) {
    if (o.raw != null) {
      return raw(o.raw);
    }
    if (o.words.size() < 2) {
      return Result.error("You must specify the type of resource to get. Use \"kubectl"
          + " api-resources\" for a complete list of supported resources.");
    }
    String type = o.words.get(1);
    String name = o.words.size() > 2 ? o.words.get(2) : null;
    return switch (type) {
      case "nodes", "node", "no" -> nodes(o, name);
      case "pods", "pod", "po" -> pods(o, name);
      case "services", "service", "svc" -> services(o, name);
      case "endpoints", "endpoint", "ep" -> endpoints(o, name);
      case "endpointslices", "endpointslice" -> endpointSlices(o, name);
      case "namespaces", "namespace", "ns" -> namespaces(name);
      default -> Result.error("error: the server doesn't have a resource type \"" + type
          + "\"");
    };
  }

  private Result nodes(Options o, String name) {
    List<Node> nodes = cluster.nodes().stream()
        .filter(n -> name == null || n.name().equals(name))
        .sorted(Comparator.comparing(Node::name)).toList();
    if (nodes.isEmpty()) {
      return notFound("nodes", name, null);
    }
    if (o.output.equals("name")) {
      return Result.ok(nodes.stream().map(n -> "node/" + n.name() + "\n")
          .collect(Collectors.joining()));
    }
    TabWriter t = new TabWriter();
    List<String> h = new ArrayList<>(List.of("NAME", "STATUS", "ROLES", "AGE", "VERSION"));
    if (o.wide()) {
      h.addAll(List.of("INTERNAL-IP", "EXTERNAL-IP", "OS-IMAGE", "KERNEL-VERSION",
          "CONTAINER-RUNTIME"));
    }
    t.row(h);
    boolean kind = "kind".equals(cluster.config().flavor());
    for (Node n : nodes) {
      List<String> r = new ArrayList<>(List.of(n.name(),
          cluster.nodeReady(n.name()) ? "Ready" : "NotReady",
          n.isControlPlane() ? "control-plane" : "<none>", age("Node/" + n.name()),
          cluster.config().kubernetesVersion()));
      if (o.wide()) {
        r.addAll(List.of(String.valueOf(n.internalIp()), "<none>",
            kind ? "Debian GNU/Linux 12 (bookworm)" : "Ubuntu 22.04.5 LTS",
            kind ? "6.1.0-27-amd64" : "5.15.0-1071-gcp",
            kind ? "containerd://1.7.18" : "containerd://1.6.26"));
      }
      t.row(r);
    }
    return Result.ok(t.toString());
  }

  private Result pods(Options o, String name) {
    List<Pod> pods = cluster.pods().stream()
        .filter(p -> o.allNamespaces || p.namespace().equals(o.namespace))
        .filter(p -> name == null || p.name().equals(name))
        .sorted(Cluster.POD_ORDER).toList();
    if (pods.isEmpty()) {
      return notFound("pods", name, o);
    }
    if (o.output.equals("name")) {
      return Result.ok(pods.stream().map(p -> "pod/" + p.name() + "\n")
          .collect(Collectors.joining()));
    }
    if (o.output.equals("yaml")) {
      if (name == null) {
        return Result.error("error: kubewalk prints -o yaml for one pod: get pod NAME -o yaml");
      }
      return Result.ok(podYaml(pods.get(0)));
    }
    TabWriter t = new TabWriter();
    List<String> h = new ArrayList<>();
    if (o.allNamespaces) {
      h.add("NAMESPACE");
    }
    h.addAll(List.of("NAME", "READY", "STATUS", "RESTARTS", "AGE"));
    if (o.wide()) {
      h.addAll(List.of("IP", "NODE", "NOMINATED NODE", "READINESS GATES"));
    }
    t.row(h);
    for (Pod p : pods) {
      List<String> r = new ArrayList<>();
      if (o.allNamespaces) {
        r.add(p.namespace());
      }
      int containers = containerCount(p);
      int ready = p.phase() == Pod.Phase.RUNNING && p.ready() ? containers : 0;
      r.addAll(List.of(p.name(), ready + "/" + containers, p.phase().text(), "0",
          age("Pod/" + p.key())));
      if (o.wide()) {
        r.addAll(List.of(p.podIp() == null ? "<none>" : p.podIp().toString(),
            p.nodeName() == null ? "<none>" : p.nodeName(), "<none>", "<none>"));
      }
      t.row(r);
    }
    return Result.ok(t.toString());
  }

  /** weave-net runs two containers (weave and weave-npc); every other pod here runs one. */
  private static int containerCount(Pod p) {
    return "DaemonSet/weave-net".equals(p.owner()) ? 2 : 1;
  }

  private Result services(Options o, String name) {
    List<Service> svcs = cluster.services().stream()
        .filter(s -> o.allNamespaces || s.namespace().equals(o.namespace))
        .filter(s -> name == null || s.name().equals(name))
        .sorted(Comparator.comparing(Service::namespace).thenComparing(Service::name)).toList();
    if (svcs.isEmpty()) {
      return notFound("services", name, o);
    }
    if (o.output.equals("name")) {
      return Result.ok(svcs.stream().map(s -> "service/" + s.name() + "\n")
          .collect(Collectors.joining()));
    }
    TabWriter t = new TabWriter();
    List<String> h = new ArrayList<>();
    if (o.allNamespaces) {
      h.add("NAMESPACE");
    }
    h.addAll(List.of("NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"));
    if (o.wide()) {
      h.add("SELECTOR");
    }
    t.row(h);
    for (Service s : svcs) {
      List<String> r = new ArrayList<>();
      if (o.allNamespaces) {
        r.add(s.namespace());
      }
      r.addAll(List.of(s.name(), s.type().name(), clusterIp(s), externalIp(s), ports(s),
          age("Service/" + s.key())));
      if (o.wide()) {
        r.add(s.selector() == null || s.selector().isEmpty() ? "<none>"
            : labels(s.selector()));
      }
      t.row(r);
    }
    return Result.ok(t.toString());
  }

  static String clusterIp(Service s) {
    if (s.headless()) {
      return "None";
    }
    return s.clusterIp() == null ? "<none>" : s.clusterIp().toString();
  }

  static String externalIp(Service s) {
    if (s.type() == Service.Type.ExternalName) {
      return s.externalName();
    }
    List<String> ips = new ArrayList<>();
    s.loadBalancerIngress().forEach(ip -> ips.add(ip.toString()));
    s.externalIps().forEach(ip -> ips.add(ip.toString()));
    if (ips.isEmpty()) {
      return s.type() == Service.Type.LoadBalancer ? "<pending>" : "<none>";
    }
    return String.join(",", ips);
  }

  static String ports(Service s) {
    if (s.ports().isEmpty()) {
      return "<none>";
    }
    return s.ports().stream()
        .map(p -> p.port() + (p.nodePort() != null ? ":" + p.nodePort() : "") + "/"
            + p.protocol().name())
        .collect(Collectors.joining(","));
  }

  static String labels(Map<String, String> m) {
    return new TreeMap<>(m).entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
        .collect(Collectors.joining(","));
  }

  private Result endpoints(Options o, String name) {
    List<Service> svcs = cluster.services().stream()
        .filter(s -> o.allNamespaces || s.namespace().equals(o.namespace))
        .filter(s -> name == null || s.name().equals(name))
        .filter(s -> s.type() != Service.Type.ExternalName)
        .sorted(Comparator.comparing(Service::namespace).thenComparing(Service::name)).toList();
    if (svcs.isEmpty()) {
      return notFound("endpoints", name, o);
    }
    TabWriter t = new TabWriter();
    t.row(o.allNamespaces ? List.of("NAMESPACE", "NAME", "ENDPOINTS", "AGE")
        : List.of("NAME", "ENDPOINTS", "AGE"));
    for (Service s : svcs) {
      // Endpoints list ready addresses only, one address:port per port.
      List<String> eps = new ArrayList<>();
      for (EndpointSlice es : cluster.slicesOf(s)) {
        for (EndpointSlice.Port p : es.ports()) {
          for (EndpointSlice.Endpoint e : es.endpoints()) {
            if (e.ready()) {
              eps.add(e.address() + ":" + p.port());
            }
          }
        }
      }
      List<String> r = new ArrayList<>();
      if (o.allNamespaces) {
        r.add(s.namespace());
      }
      r.addAll(List.of(s.name(), formatList(eps), age("Service/" + s.key())));
      t.row(r);
    }
    return Result.ok(t.toString());
  }

  /** kubectl shows at most three entries, then "+ N more...". */
  static String formatList(List<String> items) {
    if (items.isEmpty()) {
      return "<none>";
    }
    if (items.size() <= 3) {
      return String.join(",", items);
    }
    return String.join(",", items.subList(0, 3)) + " + " + (items.size() - 3) + " more...";
  }

  private Result endpointSlices(Options o, String name) {
    List<EndpointSlice> slices = cluster.endpointSlices().stream()
        .filter(e -> o.allNamespaces || e.namespace().equals(o.namespace))
        .filter(e -> name == null || e.name().equals(name))
        .sorted(Comparator.comparing(EndpointSlice::namespace)
            .thenComparing(EndpointSlice::name)).toList();
    if (slices.isEmpty()) {
      return notFound("endpointslices.discovery.k8s.io", name, o);
    }
    TabWriter t = new TabWriter();
    List<String> h = new ArrayList<>();
    if (o.allNamespaces) {
      h.add("NAMESPACE");
    }
    h.addAll(List.of("NAME", "ADDRESSTYPE", "PORTS", "ENDPOINTS", "AGE"));
    t.row(h);
    for (EndpointSlice e : slices) {
      List<String> r = new ArrayList<>();
      if (o.allNamespaces) {
        r.add(e.namespace());
      }
      String ports = e.ports().isEmpty() ? "<unset>" : e.ports().stream()
          .map(p -> String.valueOf(p.port())).collect(Collectors.joining(","));
      List<String> addrs = e.endpoints().stream().map(x -> x.address().toString()).toList();
      r.addAll(List.of(e.name(), "IPv4", ports, addrs.isEmpty() ? "<unset>" : formatList(addrs),
          age("EndpointSlice/" + e.namespace() + "/" + e.name())));
      t.row(r);
    }
    return Result.ok(t.toString());
  }

  private Result namespaces(String name) {
    List<String> ns = cluster.namespaces().stream()
        .filter(n -> name == null || n.equals(name)).toList();
    if (ns.isEmpty()) {
      return notFound("namespaces", name, null);
    }
    TabWriter t = new TabWriter().row("NAME", "STATUS", "AGE");
    ns.forEach(n -> t.row(n, "Active", age("Namespace/" + n)));
    return Result.ok(t.toString());
  }

  private Result notFound(String resource, String name, Options o) {
    if (name != null) {
      return Result.error("Error from server (NotFound): " + resource + " \"" + name
          + "\" not found");
    }
    String where = o == null ? "" : o.allNamespaces ? "" : " in " + o.namespace + " namespace";
    return new Result("", "No resources found" + where + ".\n", 0);
  }

  private String age(String key) {
    return Durations.human(cluster.age(key));
  }

  // ---- describe ----------------------------------------------------------------------------

  private Result describe(Options o) {
    if (o.words.size() < 3) {
      return Result.error("error: kubewalk describes one object: describe pod|svc NAME");
    }
    String type = o.words.get(1);
    String name = o.words.get(2);
    return switch (type) {
      case "pod", "pods", "po" -> cluster.pod(o.namespace, name).map(this::describePod)
          .map(Result::ok)
          .orElseGet(() -> notFound("pods", name, o));
      case "svc", "service", "services" -> cluster.service(o.namespace, name)
          .map(this::describeService).map(Result::ok)
          .orElseGet(() -> notFound("services", name, o));
      default -> Result.error("error: kubewalk can describe pod and svc, not \"" + type + "\"");
    };
  }

  private String describePod(Pod p) {
    Describer d = new Describer();
    d.field("Name", p.name());
    d.field("Namespace", p.namespace());
    d.field("Priority", p.namespace().equals("kube-system") ? "2000001000" : "0");
    d.field("Service Account", p.hostNetwork() && p.owner() != null
        && p.owner().startsWith("Node/") ? "" : "default");
    Node node = p.nodeName() == null ? null : cluster.node(p.nodeName()).orElse(null);
    d.field("Node", node == null ? "<none>" : node.name() + "/" + node.internalIp());
    d.field("Labels", p.labels().isEmpty() ? "<none>" : null);
    if (!p.labels().isEmpty()) {
      d.continuation(new TreeMap<>(p.labels()).entrySet().stream()
          .map(e -> e.getKey() + "=" + e.getValue()).toList());
    }
    d.field("Annotations", "<none>");
    d.field("Status", p.terminating() ? "Terminating" : p.phase() == Pod.Phase.RUNNING
        ? "Running" : "Pending");
    d.field("IP", p.podIp() == null ? "" : p.podIp().toString());
    if (p.podIp() != null) {
      d.field("IPs", null);
      d.raw("  IP:  " + p.podIp());
    } else {
      d.field("IPs", "<none>");
    }
    if (p.owner() != null) {
      d.field("Controlled By", p.owner());
    }
    if (!p.ports().isEmpty()) {
      d.field("Ports", p.ports().stream()
          .map(c -> c.containerPort() + "/" + c.protocol().name())
          .collect(Collectors.joining(", ")));
    }
    if (node != null) {
      StaticPods.of(p, node, cluster).ifPresent(m -> {
        d.field("Containers", null);
        d.raw("  " + m.component() + ":");
        d.raw("    Image:         " + m.image());
        d.raw("    Command:");
        m.command().forEach(c -> d.raw("      " + c));
        d.raw("    Liveness:      " + probe(m.liveness()));
      });
    }
    d.field("Host Network", p.hostNetwork() ? "true" : "false");
    d.field("Conditions", null);
    boolean running = p.phase() == Pod.Phase.RUNNING;
    d.raw("  Type                        Status");
    d.raw("  PodReadyToStartContainers   " + (running ? "True" : "False") + " ");
    d.raw("  Initialized                 True ");
    d.raw("  Ready                       " + (running && p.ready() ? "True" : "False") + " ");
    d.raw("  ContainersReady             " + (running && p.ready() ? "True" : "False") + " ");
    d.raw("  PodScheduled                " + (p.nodeName() != null ? "True" : "False") + " ");
    if (p.events().isEmpty()) {
      d.field("Events", "<none>");
    } else {
      d.field("Events", null);
      TabWriter t = new TabWriter().row("Type", "Reason", "Age", "From", "Message")
          .row("----", "------", "----", "----", "-------");
      for (Event e : p.events()) {
        t.row(e.type(), e.reason(), "2m", e.from(), e.message());
      }
      for (String line : t.toString().split("\n")) {
        d.raw("  " + line);
      }
    }
    return d.toString();
  }

  private String describeService(Service s) {
    Describer d = new Describer();
    d.field("Name", s.name());
    d.field("Namespace", s.namespace());
    d.field("Labels", s.name().equals("kubernetes") ? null : "<none>");
    if (s.name().equals("kubernetes")) {
      d.continuation(List.of("component=apiserver", "provider=kubernetes"));
    }
    d.field("Annotations", "<none>");
    d.field("Selector", s.selector() == null || s.selector().isEmpty() ? "<none>"
        : labels(s.selector()));
    d.field("Type", s.type().name());
    if (s.type() != Service.Type.ExternalName) {
      d.field("IP Family Policy", "SingleStack");
      d.field("IP Families", "IPv4");
      d.field("IP", clusterIp(s));
      d.field("IPs", clusterIp(s));
    } else {
      d.field("External Name", s.externalName());
    }
    if (!s.externalIps().isEmpty()) {
      d.field("External IPs", s.externalIps().stream().map(Ip::toString)
          .collect(Collectors.joining(",")));
    }
    if (!s.loadBalancerIngress().isEmpty()) {
      d.field("LoadBalancer Ingress", s.loadBalancerIngress().stream().map(Ip::toString)
          .collect(Collectors.joining(", ")));
    }
    for (ServicePort p : s.ports()) {
      String pname = p.name() == null || p.name().isEmpty() ? "<unset>" : p.name();
      d.field("Port", pname + "  " + p.port() + "/" + p.protocol().name());
      String target = p.targetPort() == null ? String.valueOf(p.port())
          : p.targetPort().toString();
      d.field("TargetPort", target + "/" + p.protocol().name());
      if (p.nodePort() != null) {
        d.field("NodePort", pname + "  " + p.nodePort() + "/" + p.protocol().name());
      }
      List<String> eps = new ArrayList<>();
      for (EndpointSlice es : cluster.slicesOf(s)) {
        for (EndpointSlice.Port ep : es.ports()) {
          if (ep.name().equals(p.name() == null ? "" : p.name())) {
            es.endpoints().stream().filter(EndpointSlice.Endpoint::ready)
                .forEach(e -> eps.add(e.address() + ":" + ep.port()));
          }
        }
      }
      d.field("Endpoints", String.join(",", eps));
    }
    d.field("Session Affinity", s.sessionAffinityClientIp() ? "ClientIP" : "None");
    if (s.hasNodePorts()) {
      d.field("External Traffic Policy", s.externalTrafficPolicy().name());
    }
    d.field("Internal Traffic Policy", s.internalTrafficPolicy().name());
    if (s.healthCheckNodePort() != null) {
      d.field("HealthCheck NodePort", String.valueOf(s.healthCheckNodePort()));
    }
    d.field("Events", "<none>");
    return d.toString();
  }

  /** kubectl describe's "Label:  value" layout, values aligned after the longest label. */
  private static final class Describer {
    private final List<String[]> lines = new ArrayList<>();

    void field(String label, String value) {
      lines.add(new String[] {label + ":", value});
    }

    void continuation(List<String> values) {
      String[] last = lines.get(lines.size() - 1);
      last[1] = values.get(0);
      for (String v : values.subList(1, values.size())) {
        lines.add(new String[] {"", v});
      }
    }

    void raw(String line) {
      lines.add(new String[] {null, line});
    }

    @Override
    public String toString() {
      int w = lines.stream().filter(l -> l[0] != null).mapToInt(l -> l[0].length()).max()
          .orElse(0) + 2;
      StringBuilder sb = new StringBuilder();
      for (String[] l : lines) {
        if (l[0] == null) {
          sb.append(l[1]);
        } else if (l[1] == null) {
          sb.append(l[0]);
        } else {
          sb.append(l[0]).append(" ".repeat(w - l[0].length())).append(l[1]);
        }
        sb.append('\n');
      }
      return sb.toString().lines().map(String::stripTrailing)
          .collect(Collectors.joining("\n", "", "\n"));
    }
  }

  /** kubectl describe's probe line. */
  static String probe(StaticPods.Probe pr) {
    return "http-get " + pr.scheme().toLowerCase(java.util.Locale.ROOT) + "://" + pr.host()
        + ":" + pr.port() + pr.path() + " delay=" + pr.initialDelay() + "s timeout="
        + pr.timeout() + "s period=" + pr.period() + "s #success=1 #failure="
        + pr.failureThreshold();
  }

  /** The parts of a pod's YAML kubewalk models, in kubectl's field order. */
  private String podYaml(Pod p) {
    StringBuilder y = new StringBuilder("apiVersion: v1\nkind: Pod\nmetadata:\n");
    if (!p.labels().isEmpty()) {
      y.append("  labels:\n");
      new TreeMap<>(p.labels()).forEach((k, v) -> y.append("    ").append(k).append(": ")
          .append(v.isEmpty() ? "\"\"" : v).append('\n'));
    }
    y.append("  name: ").append(p.name()).append("\n  namespace: ").append(p.namespace())
        .append("\nspec:\n  containers:\n");
    Node node = p.nodeName() == null ? null : cluster.node(p.nodeName()).orElse(null);
    var manifest = node == null ? java.util.Optional.<StaticPods.Manifest>empty()
        : StaticPods.of(p, node, cluster);
    if (manifest.isPresent()) {
      StaticPods.Manifest m = manifest.get();
      y.append("  - command:\n");
      m.command().forEach(c -> y.append("    - ").append(c).append('\n'));
      y.append("    image: ").append(m.image()).append('\n');
      StaticPods.Probe pr = m.liveness();
      y.append("    livenessProbe:\n      failureThreshold: ").append(pr.failureThreshold())
          .append("\n      httpGet:\n        host: ").append(pr.host())
          .append("\n        path: ").append(pr.path()).append("\n        port: ")
          .append(pr.port()).append("\n        scheme: ").append(pr.scheme())
          .append("\n      initialDelaySeconds: ").append(pr.initialDelay())
          .append("\n      periodSeconds: ").append(pr.period())
          .append("\n      successThreshold: 1\n      timeoutSeconds: ").append(pr.timeout())
          .append("\n    name: ").append(m.component()).append('\n');
    } else {
      y.append("  - name: ").append(p.name().replaceAll("-[a-z0-9]{5}$", "")).append('\n');
      if (!p.ports().isEmpty()) {
        y.append("    ports:\n");
        for (var c : p.ports()) {
          y.append("    - containerPort: ").append(c.containerPort()).append('\n');
          if (c.name() != null) {
            y.append("      name: ").append(c.name()).append('\n');
          }
          y.append("      protocol: ").append(c.protocol().name()).append('\n');
        }
      }
    }
    if (p.hostNetwork()) {
      y.append("  hostNetwork: true\n");
    }
    if (p.nodeName() != null) {
      y.append("  nodeName: ").append(p.nodeName()).append('\n');
    }
    y.append("status:\n");
    if (node != null) {
      y.append("  hostIP: ").append(node.internalIp()).append('\n');
    }
    y.append("  phase: ").append(p.phase() == Pod.Phase.RUNNING ? "Running" : "Pending")
        .append('\n');
    if (p.podIp() != null) {
      y.append("  podIP: ").append(p.podIp()).append("\n  podIPs:\n  - ip: ")
          .append(p.podIp()).append('\n');
    }
    return y.toString();
  }

  // ---- cluster-info and the raw API ---------------------------------------------------------

  private String apiserverUrl() {
    Node cp = cluster.nodes().stream().filter(Node::isControlPlane).findFirst()
        .orElse(cluster.nodes().get(0));
    return "https://" + cp.internalIp() + ":6443";
  }

  /** {@code kubectl config view} of kubeadm's admin.conf: secrets shown as kubectl hides them. */
  private String configView() {
    return "apiVersion: v1\n"
        + "clusters:\n"
        + "- cluster:\n"
        + "    certificate-authority-data: DATA+OMITTED\n"
        + "    server: " + apiserverUrl() + "\n"
        + "  name: kubernetes\n"
        + "contexts:\n"
        + "- context:\n"
        + "    cluster: kubernetes\n"
        + "    user: kubernetes-admin\n"
        + "  name: kubernetes-admin@kubernetes\n"
        + "current-context: kubernetes-admin@kubernetes\n"
        + "kind: Config\n"
        + "preferences: {}\n"
        + "users:\n"
        + "- name: kubernetes-admin\n"
        + "  user:\n"
        + "    client-certificate-data: DATA+OMITTED\n"
        + "    client-key-data: DATA+OMITTED\n";
  }

  /**
   * {@code kubectl proxy [--port=N]}: the line it prints before it blocks, and (on stderr) what
   * it does: plain HTTP on localhost in, HTTPS with the kubeconfig's credentials out.
   */
  private Result proxy(List<String> args) {
    int port = 8001;
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      String v = a.startsWith("--port=") ? a.substring(7) : (a.equals("--port") || a.equals("-p"))
          && i + 1 < args.size() ? args.get(++i) : null;
      if (v == null) {
        return Result.error("error: unknown flag: " + a + " (kubewalk supports --port)");
      }
      try {
        port = Integer.parseInt(v);
      } catch (NumberFormatException e) {
        port = -1;
      }
      if (port < 1 || port > 65535) {
        return Result.error("error: invalid argument \"" + v + "\" for \"-p, --port\" flag");
      }
    }
    return new Result("Starting to serve on 127.0.0.1:" + port + "\n", "kubewalk: a real kubectl"
        + " proxy keeps running: http://127.0.0.1:" + port + "/api/ on this machine (plain HTTP,"
        + " no credentials) is forwarded as HTTPS to " + apiserverUrl() + " with the"
        + " kubeconfig's client certificate (kubernetes-admin); the answer is what `kubectl get"
        + " --raw /api/` prints\n", 0);
  }

  private String clusterInfo() {
    String url = apiserverUrl();
    return "Kubernetes control plane is running at " + url + "\n"
        + "CoreDNS is running at " + url
        + "/api/v1/namespaces/kube-system/services/kube-dns:dns/proxy\n\n"
        + "To further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.\n";
  }

  private Result raw(String path) {
    String p = path.endsWith("/") && path.length() > 1 ? path.substring(0, path.length() - 1)
        : path;
    if (p.equals("/api")) {
      String server = apiserverUrl().substring("https://".length());
      return Result.ok("{\"kind\":\"APIVersions\",\"versions\":[\"v1\"],"
          + "\"serverAddressByClientCIDRs\":[{\"clientCIDR\":\"0.0.0.0/0\",\"serverAddress\":\""
          + server + "\"}]}\n");
    }
    java.util.regex.Matcher m = SERVICE_PROXY.matcher(path);
    if (m.matches()) {
      return serviceProxy(m.group(1), m.group(2) != null, m.group(3), m.group(4), m.group(5));
    }
    return Result.error("Error from server (NotFound): the server could not find the requested"
        + " resource (kubewalk serves --raw /api and Service proxy URLs)");
  }

  /** {@code /api/v1/namespaces/NS/services/[https:]NAME[:PORT]/proxy/PATH}. */
  private static final java.util.regex.Pattern SERVICE_PROXY = java.util.regex.Pattern.compile(
      "/api/v1/namespaces/([^/]+)/services/(https:)?([^/:]+)(?::([^/]+))?/proxy(/.*)?");

  /**
   * The apiserver's proxy to a Service: it picks a ready endpoint itself (not through the
   * ClusterIP) and connects to it from the control plane, over plain HTTP unless the name has the
   * {@code https:} prefix. kubewalk has no HTTP bodies: stdout stays empty, stderr says where the
   * request goes and how to trace it.
   */
  private Result serviceProxy(String ns, boolean https, String name, String portName,
      String path) {
    Optional<Service> svc = cluster.service(ns, name);
    if (svc.isEmpty()) {
      return Result.error("Error from server (NotFound): services \"" + name + "\" not found");
    }
    ServicePort port = svc.get().ports().stream().filter(p -> portName == null
        || p.name().equals(portName) || String.valueOf(p.port()).equals(portName)).findFirst()
        .orElse(null);
    if (port == null) {
      return Result.error("Error from server (ServiceUnavailable): no endpoints available for"
          + " service \"" + name + ":" + portName + "\"");
    }
    for (EndpointSlice es : cluster.slicesOf(svc.get())) {
      for (EndpointSlice.Endpoint e : es.endpoints()) {
        if (!e.ready()) {
          continue;
        }
        int target = es.ports().stream().filter(p -> p.name().equals(port.name()))
            .mapToInt(EndpointSlice.Port::port).findFirst().orElse(port.port());
        String apiserver = cluster.nodes().stream().filter(Node::isControlPlane).findFirst()
            .map(n -> "kube-apiserver-" + n.name()).orElse("kube-apiserver");
        return new Result("", "kubewalk: the apiserver proxies GET " + (path == null ? "/" : path)
            + " to endpoint " + e.address() + ":" + target + " of Service " + ns + "/" + name
            + (port.name().isEmpty() ? "" : ":" + port.name()) + ", picked from its"
            + " EndpointSlices (not through the ClusterIP), over " + (https ? "HTTPS" : "plain"
                + " HTTP (add the https: prefix for HTTPS)") + " from the control plane; trace"
            + " it with: kubewalk trace -s S --from pod/kube-system/" + apiserver + " --to "
            + e.address() + ":" + target + "/" + port.protocol().lower() + "\n", 0);
      }
    }
    return Result.error("Error from server (ServiceUnavailable): no endpoints available for"
        + " service \"" + name + "\"");
  }
}
