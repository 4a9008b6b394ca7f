package io.kubewalk.sim.gen;

import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Writes a large scenario: one kind {@code Cluster} document (a control-plane node and workers),
 * the Namespaces, and application Deployments each selected by a ClusterIP Service, plus
 * Deployments that no Service selects for the pods left over. The output is ordinary scenario
 * YAML a user can read and edit; it is the same bytes for the same {@link Spec} and is written
 * object by object (never held in memory as a whole).
 *
 * <p>The shape, for a {@link Spec} of N nodes, P pods per node, S Services and E endpoints:
 *
 * <ul>
 *   <li>nodes: {@code nodes[0]} is the control plane (tainted, so it runs only system pods), the
 *       others are workers, named by kind ({@code scale-control-plane}, {@code scale-worker},
 *       {@code scale-worker2}, ...); the pod subnet is {@code 10.244.0.0/16} for up to 256 nodes,
 *       else the smallest {@code 10.0.0.0/n} that gives each node a /24; the service subnet is
 *       {@code 10.96.0.0/16};
 *   <li>N x P application pods in all, which the scheduler spreads over the workers;
 *   <li>S Deployments of E replicas (for {@link #limits} a spread of sizes), each behind a
 *       ClusterIP Service of the same name selecting {@code app: NAME}, so each Service gets E
 *       endpoints; the ports are {@code http} (80 to the named container port {@code http},
 *       8080) for about 60% of them, {@code tcp} (9090 to the container port number 9090) for
 *       25%, {@code http} and {@code metrics} (9100 to the named port {@code metrics}) for 15%;
 *   <li>the remaining pods in Deployments named {@code batch-NNNN} of at most {@value
 *       #BATCH_SIZE} replicas that no Service selects;
 *   <li>every object in one of {@code ceil(deployments / 100)} Namespaces (at most 100) named
 *       {@code team-NN}, picked by the seed, as are the application names.
 * </ul>
 */
public final class Generator {

  /** The kubelet's default {@code maxPods}. */
  public static final int MAX_PODS_PER_NODE = 110;
  /** Nodes that get a /24 each from the largest pod subnet used here, 10.0.0.0/10. */
  public static final int MAX_NODES = 1 << 14;
  /**
   * Services the ClusterIP allocator can place in {@code 10.96.0.0/16}: its dynamic band (the
   * 65,534 addresses minus the static band of 256 that {@code kubernetes} and {@code kube-dns}
   * live in).
   */
  public static final int MAX_SERVICES = 65534 - 256;
  /** The largest Deployment of pods that no Service selects. */
  public static final int BATCH_SIZE = 100;

  private static final List<String> WORDS = List.of("cart", "checkout", "catalog", "search",
      "auth", "billing", "orders", "ratings", "profile", "inventory", "payments", "shipping",
      "email", "ads", "recommend", "gateway", "reviews", "media", "session", "ledger");

  /** Told how far the writer is; called after every object. */
  @FunctionalInterface
  public interface Progress {
    void update(long objectsWritten, long objectsTotal);

    Progress NONE = (w, t) -> { };
  }

  /**
   * What to generate.
   *
   * @param nodes all nodes, the control plane included
   * @param podsPerNode application pods per node: the cluster gets {@code nodes x podsPerNode}
   * @param serviceSizes the replicas of each Deployment that has a Service (its endpoints)
   * @param proxyMode {@code iptables}, {@code ipvs} or {@code nftables}
   * @param seed picks names, namespaces and ports, and the order of the Deployment sizes
   * @param preset the preset's name, or null
   */
  public record Spec(int nodes, int podsPerNode, List<Integer> serviceSizes, String proxyMode,
      long seed, String preset) {

    public Spec {
      serviceSizes = List.copyOf(serviceSizes);
    }

    /** {@code services} Services of {@code endpointsPerService} endpoints each. */
    public static Spec uniform(int nodes, int podsPerNode, int services, int endpointsPerService,
        String proxyMode, long seed) {
      if (services < 0) {
        throw new IllegalArgumentException("--services " + services + " is negative (expected 0"
            + " to " + MAX_SERVICES + ")");
      }
      if (services > MAX_SERVICES) {
        throw new IllegalArgumentException("--services " + services + " is more than the"
            + " service CIDR 10.96.0.0/16 holds (expected 0 to " + MAX_SERVICES + ")");
      }
      if (endpointsPerService < 1) {
        throw new IllegalArgumentException("--endpoints-per-service " + endpointsPerService
            + " is not a pod count (expected 1 or more)");
      }
      return new Spec(nodes, podsPerNode, Collections.nCopies(services, endpointsPerService),
          proxyMode, seed, null).validated();
    }

    /**
     * Kubernetes' documented limits ("Considerations for large clusters"): 5,000 nodes, 150,000
     * pods (30 per node), 10,000 Services. Every pod is behind exactly one Service; the
     * Deployments are 100 of 250 replicas, 400 of 100, 1,500 of 30, 3,000 of 10 and 5,000 of 2
     * (150,000 pods), in an order picked by the seed.
     */
    public static Spec limits(String proxyMode, long seed) {
      List<Integer> sizes = new ArrayList<>(10_000);
      sizes.addAll(Collections.nCopies(100, 250));
      sizes.addAll(Collections.nCopies(400, 100));
      sizes.addAll(Collections.nCopies(1_500, 30));
      sizes.addAll(Collections.nCopies(3_000, 10));
      sizes.addAll(Collections.nCopies(5_000, 2));
      return new Spec(5_000, 30, sizes, proxyMode, seed, "limits").validated();
    }

    public long pods() {
      return (long) nodes * podsPerNode;
    }

    public int services() {
      return serviceSizes.size();
    }

    public long selectedPods() {
      return serviceSizes.stream().mapToLong(Integer::longValue).sum();
    }

    public int workers() {
      return Math.max(1, nodes - 1);
    }

    /** Checks every bound; throws {@link IllegalArgumentException} naming the option. */
    public Spec validated() {
      if (nodes < 1 || nodes > MAX_NODES) {
        throw new IllegalArgumentException("--nodes " + nodes + (nodes < 1
            ? " is not a node count" : " is more than the pod subnet 10.0.0.0/10 has /24s for")
            + " (expected 1 to " + MAX_NODES + ")");
      }
      if (podsPerNode < 0 || podsPerNode > MAX_PODS_PER_NODE) {
        throw new IllegalArgumentException("--pods-per-node " + podsPerNode + (podsPerNode < 0
            ? " is negative" : " is more than the kubelet's default maxPods")
            + " (expected 0 to " + MAX_PODS_PER_NODE + ")");
      }
      long perWorker = (pods() + workers() - 1) / workers();
      if (perWorker > MAX_PODS_PER_NODE) {
        throw new IllegalArgumentException("--nodes " + nodes + " x --pods-per-node "
            + podsPerNode + " = " + pods() + " pods would put " + perWorker + " on each of the "
            + workers() + " worker node(s) (the control-plane node is tainted; expected at most "
            + MAX_PODS_PER_NODE + " per worker: more nodes or fewer pods)");
      }
      if (services() > MAX_SERVICES) {
        throw new IllegalArgumentException("--services " + services() + " is more than the"
            + " service CIDR 10.96.0.0/16 holds (expected 0 to " + MAX_SERVICES + ")");
      }
      if (selectedPods() > pods()) {
        throw new IllegalArgumentException("--services " + services()
            + " x --endpoints-per-service need " + selectedPods() + " pods but --nodes x"
            + " --pods-per-node gives " + pods() + " (expected at most " + pods()
            + " endpoints in all)");
      }
      if (!List.of("iptables", "ipvs", "nftables").contains(proxyMode)) {
        throw new IllegalArgumentException("--proxy-mode " + proxyMode + " is not a kube-proxy"
            + " mode (expected iptables, ipvs or nftables)");
      }
      return this;
    }

    /** The pod subnet: 10.244.0.0/16 up to 256 nodes, else the smallest 10.0.0.0/n. */
    public String podSubnet() {
      if (nodes <= 256) {
        return "10.244.0.0/16";
      }
      int bits = 32 - Integer.numberOfLeadingZeros(nodes - 1);
      return "10.0.0.0/" + (24 - bits);
    }
  }

  /** What was written. */
  public record Summary(int nodes, long pods, int services, int deployments, int namespaces,
      long objects) {}

  private Generator() {}

  /** Writes the scenario of {@code spec} to {@code out}; does not close it. */
  public static Summary write(Spec spec, Writer out, Progress progress) throws IOException {
    spec.validated();
    SplittableRandom rnd = new SplittableRandom(spec.seed());
    List<Integer> sizes = new ArrayList<>(spec.serviceSizes());
    shuffle(sizes, rnd);
    List<Integer> batches = new ArrayList<>();
    for (long left = spec.pods() - spec.selectedPods(); left > 0; left -= BATCH_SIZE) {
      batches.add((int) Math.min(BATCH_SIZE, left));
    }
    int deployments = sizes.size() + batches.size();
    int namespaces = Math.max(1, Math.min(100, (deployments + 99) / 100));
    long total = 1L + namespaces + 2L * sizes.size() + batches.size();
    long written = 0;
    int width = Math.max(4, Integer.toString(Math.max(sizes.size(), batches.size())).length());

    header(spec, out, deployments, namespaces);
    cluster(spec, out);
    progress.update(++written, total);
    for (int i = 0; i < namespaces; i++) {
      out.write("---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: "
          + namespace(i) + "\n");
      progress.update(++written, total);
    }
    for (int i = 0; i < sizes.size(); i++) {
      String name = WORDS.get(rnd.nextInt(WORDS.size())) + "-"
          + pad(i + 1, width);
      String ns = namespace(rnd.nextInt(namespaces));
      int shape = rnd.nextInt(100);
      Ports ports = shape < 60 ? Ports.HTTP : shape < 85 ? Ports.TCP : Ports.HTTP_METRICS;
      deployment(out, ns, name, sizes.get(i), ports);
      progress.update(++written, total);
      service(out, ns, name, ports);
      progress.update(++written, total);
    }
    for (int i = 0; i < batches.size(); i++) {
      String ns = namespace(rnd.nextInt(namespaces));
      deployment(out, ns, "batch-" + pad(i + 1, width), batches.get(i), null);
      progress.update(++written, total);
    }
    return new Summary(spec.nodes(), spec.pods(), sizes.size(), deployments, namespaces,
        written);
  }

  private enum Ports { HTTP, TCP, HTTP_METRICS }

  private static void header(Spec spec, Writer out, int deployments, int namespaces)
      throws IOException {
    out.write("# Generated by kubewalk generate " + (spec.preset() != null
        ? "--preset " + spec.preset() : "--nodes " + spec.nodes() + " --pods-per-node "
            + spec.podsPerNode() + " --services " + spec.services() + " --endpoints-per-service "
            + (spec.services() == 0 ? 1 : spec.serviceSizes().get(0)))
        + " --proxy-mode " + spec.proxyMode() + " --seed " + spec.seed() + "\n");
    out.write(String.format(Locale.ROOT, "# %d nodes (1 control-plane, %d workers); %d"
        + " application pods in %d Deployments,\n# %d of them behind a ClusterIP Service"
        + " of the same name; %d namespace(s).\n", spec.nodes(), spec.nodes() - 1, spec.pods(),
        deployments, spec.services(), namespaces));
  }

  private static void cluster(Spec spec, Writer out) throws IOException {
    StringBuilder b = new StringBuilder(32 * spec.nodes() + 256);
    b.append("apiVersion: kind.x-k8s.io/v1alpha4\n")
        .append("kind: Cluster\n")
        .append("name: scale\n")
        .append("networking:\n")
        .append("  podSubnet: ").append(spec.podSubnet()).append('\n')
        .append("  serviceSubnet: 10.96.0.0/16\n")
        .append("  kubeProxyMode: ").append(spec.proxyMode()).append('\n')
        .append("nodes:\n")
        .append("- role: control-plane\n");
    for (int i = 1; i < spec.nodes(); i++) {
      b.append("- role: worker\n");
    }
    out.write(b.toString());
  }

  private static void deployment(Writer out, String ns, String name, int replicas, Ports ports)
      throws IOException {
    StringBuilder b = new StringBuilder(640);
    b.append("---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ").append(name)
        .append("\n  namespace: ").append(ns)
        .append("\n  labels:\n    app: ").append(name)
        .append("\nspec:\n  replicas: ").append(replicas)
        .append("\n  selector:\n    matchLabels:\n      app: ").append(name)
        .append("\n  template:\n    metadata:\n      labels:\n        app: ").append(name)
        .append("\n    spec:\n      containers:\n      - name: ")
        .append(ports == null ? "worker" : "app")
        .append("\n        image: registry.k8s.io/e2e-test-images/agnhost:2.53\n");
    if (ports == null) {
      b.append("        args: [\"pause\"]\n");
    } else {
      b.append("        args: [\"netexec\", \"--http-port=").append(ports == Ports.TCP ? 9090
          : 8080).append("\"]\n        ports:\n");
      switch (ports) {
        case HTTP -> b.append("        - name: http\n          containerPort: 8080\n");
        case TCP -> b.append("        - name: tcp\n          containerPort: 9090\n");
        case HTTP_METRICS -> b.append("        - name: http\n          containerPort: 8080\n")
            .append("        - name: metrics\n          containerPort: 9100\n");
      }
    }
    out.write(b.toString());
  }

  private static void service(Writer out, String ns, String name, Ports ports)
      throws IOException {
    StringBuilder b = new StringBuilder(320);
    b.append("---\napiVersion: v1\nkind: Service\nmetadata:\n  name: ").append(name)
        .append("\n  namespace: ").append(ns)
        .append("\nspec:\n  type: ClusterIP\n  selector:\n    app: ").append(name)
        .append("\n  ports:\n");
    switch (ports) {
      case HTTP -> b.append("  - name: http\n    port: 80\n    targetPort: http\n");
      case TCP -> b.append("  - name: tcp\n    port: 9090\n    targetPort: 9090\n");
      case HTTP_METRICS -> b.append("  - name: http\n    port: 80\n    targetPort: http\n")
          .append("  - name: metrics\n    port: 9100\n    targetPort: metrics\n");
    }
    out.write(b.toString());
  }

  private static String namespace(int i) {
    return "team-" + pad(i, 2);
  }

  private static String pad(int n, int width) {
    String s = Integer.toString(n);
    return "0".repeat(Math.max(0, width - s.length())) + s;
  }

  /** Fisher-Yates with the seeded generator (Collections.shuffle wants a java.util.Random). */
  private static void shuffle(List<Integer> list, SplittableRandom rnd) {
    for (int i = list.size() - 1; i > 0; i--) {
      Collections.swap(list, i, rnd.nextInt(i + 1));
    }
  }
}
