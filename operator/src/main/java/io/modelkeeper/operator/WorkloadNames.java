package io.modelkeeper.operator;

import io.modelkeeper.api.v1alpha1.ModelDeployment;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/** Names of the objects made for a ModelDeployment, each a valid DNS label. */
public final class WorkloadNames {

    private static final int DNS_LABEL_MAX = 63;
    private static final int HASH_CHARS = 6;

    private WorkloadNames() {
    }

    /** The Service over all versions has the ModelDeployment's own name. */
    public static String service(ModelDeployment md) {
        return md.getMetadata().getName();
    }

    /**
     * The Deployment of one version, {@code <name>-<version>}. When the version needs changing to
     * fit a DNS label (upper case, '_' or '.', too long), a short hash of the version is appended
     * so that "1.0" and "1-0" never share a Deployment.
     */
    public static String deployment(ModelDeployment md, String version) {
        String raw = md.getMetadata().getName() + "-" + version;
        String label = raw.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
        if (label.equals(raw) && raw.length() <= DNS_LABEL_MAX) {
            return raw;
        }
        String head = label.substring(0, Math.min(label.length(), DNS_LABEL_MAX - HASH_CHARS - 1));
        return trimDashes(head) + "-" + shortHash(version);
    }

    /** The in-cluster URL of the model's inference API. */
    public static String endpoint(ModelDeployment md) {
        return "http://" + service(md) + "." + md.getMetadata().getNamespace() + ".svc.cluster.local/v2/models/"
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

    private static String shortHash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest).substring(0, HASH_CHARS);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
