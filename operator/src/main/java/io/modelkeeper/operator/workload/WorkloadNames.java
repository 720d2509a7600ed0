package io.modelkeeper.operator.workload;

import io.modelkeeper.api.v1alpha1.ModelDeployment;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/** Names of the objects made for a ModelDeployment, each a valid DNS label. */
public final class WorkloadNames {

  private static final int DNS_LABEL_MAX = 63;

  private WorkloadNames() {}

  /** The Service over all versions has the ModelDeployment's own name. */
  public static String service(ModelDeployment md) {
    return md.getMetadata().getName();
  }

  /**
   * The headless Service over the model's pods, {@code <name>-pods}; a name too long for that is
   * shortened and keeps a hash of the whole, so two models never share it.
   */
  public static String podsService(ModelDeployment md) {
    String name = md.getMetadata().getName() + "-pods";
    if (name.length() <= DNS_LABEL_MAX) {
      return name;
    }
    String head = md.getMetadata().getName().substring(0, DNS_LABEL_MAX - 5 - 9);
    return trimDashes(head) + "-" + hash(md.getMetadata().getName(), 8) + "-pods";
  }

  /**
   * The Deployment of one revision of the model, {@code <name>-<version>-<revision>}: the revision
   * tells apart two files under one version string, and "1.0" from "1-0" once both are made
   * DNS-safe. The head is shortened when needed; the revision is always kept whole. (Deployments
   * made by an earlier release are named {@code <name>-<version>}; they keep their name, see {@link
   * EarlierReleases}.)
   */
  public static String deployment(ModelDeployment md, ModelVersion model) {
    String label =
        (md.getMetadata().getName() + "-" + model.version())
            .toLowerCase(Locale.ROOT)
            .replaceAll("[^a-z0-9-]", "-");
    String head =
        label.substring(
            0, Math.min(label.length(), DNS_LABEL_MAX - ModelVersion.REVISION_CHARS - 1));
    return trimDashes(head) + "-" + model.revision();
  }

  /** The in-cluster URL of the model's inference API. */
  public static String endpoint(ModelDeployment md) {
    return "http://"
        + service(md)
        + "."
        + md.getMetadata().getNamespace()
        + ".svc.cluster.local/v2/models/"
        + modelName(md);
  }

  /** The name the model answers to in /v2/models/{name}: spec.model.name, else metadata.name. */
  public static String modelName(ModelDeployment md) {
    String name = md.getSpec().getModel().getName();
    return name == null || name.isBlank() ? md.getMetadata().getName() : name;
  }

  private static String trimDashes(String text) {
    return text.replaceAll("-+$", "");
  }

  /** The first {@code chars} hex digits of the SHA-256 of {@code text}. */
  static String hash(String text, int chars) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest).substring(0, chars);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }
}
