package io.kubewalk.app.gui;

import io.kubewalk.sim.control.ApiTimeline;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The hub-and-spoke view of {@code Simulation.apiTimeline()} without JavaFX: the
 * kube-apiserver in the middle, every other component on a circle around it (etcd first), and a
 * cursor over the calls; each call is an arrow from the dialing component to the one dialed,
 * labelled with port, protocol and credential.
 */
public final class ApiHubModel {

  /** A component's place: centre {@code (x, y)} in a unit square (the view scales it). */
  public record Spot(String name, double x, double y, boolean hub) {}

  private final List<ApiTimeline.ApiCall> calls;
  private final Map<String, Spot> spots = new LinkedHashMap<>();
  private int index;

  public ApiHubModel(List<ApiTimeline.ApiCall> calls) {
    this.calls = List.copyOf(calls);
    String hub = calls.stream().map(ApiTimeline.ApiCall::to)
        .filter(t -> t.startsWith("kube-apiserver")).findFirst().orElse("kube-apiserver");
    double c = 0.5;
    spots.put(hub, new Spot(hub, c, c, true));
    List<String> around = new ArrayList<>();
    for (ApiTimeline.ApiCall a : calls) {
      for (String n : List.of(a.from(), a.to())) {
        if (!n.equals(hub) && !around.contains(n)) {
          if (n.startsWith("etcd")) {
            around.add(0, n);
          } else {
            around.add(n);
          }
        }
      }
    }
    double r = 0.38;
    for (int i = 0; i < around.size(); i++) {
      double a = -Math.PI / 2 + 2 * Math.PI * i / Math.max(1, around.size());
      spots.put(around.get(i), new Spot(around.get(i), c + r * Math.cos(a), c + r * Math.sin(a),
          false));
    }
  }

  public List<ApiTimeline.ApiCall> calls() {
    return calls;
  }

  public Map<String, Spot> spots() {
    return spots;
  }

  public int index() {
    return index;
  }

  public ApiTimeline.ApiCall current() {
    return calls.isEmpty() ? null : calls.get(index);
  }

  public boolean forward() {
    if (index < calls.size() - 1) {
      index++;
      return true;
    }
    return false;
  }

  public boolean back() {
    if (index > 0) {
      index--;
      return true;
    }
    return false;
  }

  public void jump(int i) {
    if (i >= 0 && i < calls.size()) {
      index = i;
    }
  }

  /** The arrow's label: {@code :6443 HTTPS POST /api/...}. */
  public static String label(ApiTimeline.ApiCall a) {
    return String.format(Locale.ROOT, ":%d %s  %s %s", a.port(), a.protocol(), a.verb(),
        a.resource());
  }

  /** One line per call for the list beside the picture. */
  public List<String> lines() {
    List<String> out = new ArrayList<>();
    for (ApiTimeline.ApiCall a : calls) {
      out.add(String.format(Locale.ROOT, "%2d %s -> %s :%d %s", a.seq(), a.from(), a.to(),
          a.port(), a.verb()));
    }
    return out;
  }

  /** The details of the current call. */
  public String details() {
    ApiTimeline.ApiCall a = current();
    if (a == null) {
      return "";
    }
    return "Call " + a.seq() + " of " + calls.size() + "\n" + a.from() + " (" + a.fromIp()
        + ") -> " + a.to() + " (" + a.toIp() + ")\nport " + a.port() + ", " + a.protocol()
        + "\n" + a.verb() + " " + a.resource() + "\ncredential: " + a.credential() + "\n"
        + (a.note() == null ? "" : a.note());
  }
}
