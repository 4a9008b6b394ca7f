package io.kubewalk.sim.control;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubewalk.sim.Kubewalk;
import io.kubewalk.sim.control.ApiTimeline.ApiCall;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ApiTimelineTest {

  @ParameterizedTest
  @ValueSource(strings = {"kubeadm-flannel", "nodeport-vs-clusterip", "cni-missing"})
  void everyComponentDialsTheApiserverAndOnlyTheApiserverDialsEtcd(String lesson) {
    List<ApiCall> calls = Kubewalk.lesson(lesson).apiTimeline();
    assertThat(calls).isNotEmpty();
    assertThat(calls).filteredOn(c -> c.to().startsWith("kube-apiserver@"))
        .allSatisfy(c -> {
          assertThat(c.port()).isEqualTo(6443);
          assertThat(c.protocol()).isEqualTo("HTTPS");
        })
        .extracting(c -> c.from().replaceAll("@.*", ""))
        .contains("kubectl", "kube-scheduler", "kubelet", "kube-proxy");
    assertThat(calls).filteredOn(c -> c.to().startsWith("etcd@"))
        .isNotEmpty()
        .allSatisfy(c -> {
          assertThat(c.from()).startsWith("kube-apiserver@");
          assertThat(c.port()).isEqualTo(2379);
        });
    assertThat(calls).extracting(ApiCall::seq).isSorted();
  }

  @ParameterizedTest
  @ValueSource(strings = {"kubeadm-flannel"})
  void theApiserverDialsTheKubeletWithoutVerifyingItByDefault(String lesson) {
    ApiCall logs = Kubewalk.lesson(lesson).apiTimeline().stream()
        .filter(c -> c.port() == 10250).findFirst().orElseThrow();
    assertThat(logs.from()).startsWith("kube-apiserver@");
    assertThat(logs.credential()).contains("NOT verified", "--kubelet-certificate-authority");
  }
}
