package io.kubewalk.sim.proxy.iptables;

import com.google.common.io.BaseEncoding;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * kube-proxy's hashed chain names ({@code portProtoHash}, {@code servicePortEndpointChainName} in
 * pkg/proxy/iptables/proxier.go): the first 16 characters of base32(sha256(servicePortName +
 * protocol [+ endpoint])). For {@code ns1/svc1:p80} tcp: {@code KUBE-SVC-XPGD46QRK7WJZT7O}.
 */
public final class ChainNames {

  private ChainNames() {}

  static String hash(String text) {
    try {
      byte[] sum = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return BaseEncoding.base32().encode(sum).substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /** KUBE-SVC-: the Cluster-policy endpoints chain. */
  public static String cluster(String servicePortName, String protocol) {
    return "KUBE-SVC-" + hash(servicePortName + protocol);
  }

  /** KUBE-SVL-: the Local-policy endpoints chain. */
  public static String local(String servicePortName, String protocol) {
    return "KUBE-SVL-" + hash(servicePortName + protocol);
  }

  /** KUBE-FW-: loadBalancerSourceRanges filtering. */
  public static String firewall(String servicePortName, String protocol) {
    return "KUBE-FW-" + hash(servicePortName + protocol);
  }

  /** KUBE-EXT-: external (NodePort, LoadBalancer, externalIP) traffic. */
  public static String external(String servicePortName, String protocol) {
    return "KUBE-EXT-" + hash(servicePortName + protocol);
  }

  /** KUBE-SEP-: one endpoint ({@code ip:port}). */
  public static String endpoint(String servicePortName, String protocol, String endpoint) {
    return "KUBE-SEP-" + hash(servicePortName + protocol + endpoint);
  }

  public static boolean isServiceChain(String chain) {
    return chain.startsWith("KUBE-SVC-") || chain.startsWith("KUBE-SVL-")
        || chain.startsWith("KUBE-SEP-") || chain.startsWith("KUBE-FW-")
        || chain.startsWith("KUBE-EXT-");
  }
}
