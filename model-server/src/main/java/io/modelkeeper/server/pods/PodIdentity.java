package io.modelkeeper.server.pods;

import io.modelkeeper.server.ServerConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * This pod among the model's pods: its token (from {@code MODELKEEPER_POD_IP}), which ends every
 * prediction id it mints, and the model's other pods ({@code MODELKEEPER_PEERS}), to which feedback
 * for their predictions is forwarded. Without a pod IP, ids name no pod and nothing is forwarded.
 */
@ApplicationScoped
public class PodIdentity {

  private final String token;
  private final ModelPods pods;

  @Inject
  public PodIdentity(ServerConfig config) {
    this(
        config.podIp().map(PodIdentity::literal).orElse(null),
        config.peers().orElse(List.of()),
        InetAddress::getAllByName);
  }

  PodIdentity(InetAddress address, List<String> peers, ModelPods.Resolver resolver) {
    this.token = address == null ? null : PodToken.of(address);
    this.pods =
        address == null || peers.isEmpty()
            ? null
            : new ModelPods(peers, resolver, System::currentTimeMillis);
  }

  /** The id of a prediction made here: the random part, then this pod's token if it has one. */
  public String mint(String random) {
    return token == null ? random : random + "." + token;
  }

  /** True when feedback for this id is for another pod: it names a pod, and not this one. */
  public boolean elsewhere(String id) {
    String named = PodToken.in(id);
    return token != null && named != null && !named.equals(token);
  }

  /** True when feedback can be forwarded: this pod knows itself and its model's pods. */
  public boolean forwards() {
    return pods != null;
  }

  /** The model's pod that minted this id, or null when it is none of the model's pods. */
  public InetAddress podOf(String id) {
    String named = PodToken.in(id);
    return pods == null || named == null ? null : pods.find(named);
  }

  /** This pod's token, or null. */
  public String token() {
    return token;
  }

  static InetAddress literal(String ip) {
    if (!ip.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}|[0-9a-fA-F:.]*:[0-9a-fA-F:.]*")) {
      throw new IllegalArgumentException(
          "MODELKEEPER_POD_IP must be an IP address such as 10.1.2.3, not '" + ip + "'");
    }
    try {
      return InetAddress.getByName(ip); // a literal: no lookup
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(
          "MODELKEEPER_POD_IP must be an IP address such as 10.1.2.3, not '" + ip + "'", e);
    }
  }
}
