package io.modelkeeper.operator;

import io.modelkeeper.api.v1alpha1.ArmStatus;
import io.modelkeeper.api.v1alpha1.ModelSpec;
import java.util.Objects;

/** One concrete model file: the version, where it is fetched from and its checksum. */
public record ModelVersion(String version, String uri, String sha256) {

    public ModelVersion {
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(uri, "uri");
    }

    /** The version the spec asks for. */
    public static ModelVersion of(ModelSpec model) {
        return new ModelVersion(model.getVersion(), model.getUri(), model.getSha256());
    }

    /** The version recorded in status, or null when none was. */
    public static ModelVersion of(ArmStatus arm) {
        if (arm == null || arm.getVersion() == null || arm.getUri() == null) {
            return null;
        }
        return new ModelVersion(arm.getVersion(), arm.getUri(), arm.getSha256());
    }
}
