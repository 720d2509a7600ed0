package io.modelkeeper.operator.crd;

import io.fabric8.crdv2.generator.CRDPostProcessor;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import java.util.Comparator;
import java.util.List;

/**
 * Finishes the generated CRD where annotations cannot: printer columns in the order users read
 * them (the generator sorts them by name), and descriptions of spec and status themselves, which
 * live in the client library's base class. Runs at build (QOSDK) and in the crds/ check.
 */
public class CrdFinishing implements CRDPostProcessor {

    /** The column order of {@code kubectl get md}; F1 to DRIFT show only with {@code -o wide}. */
    public static final List<String> COLUMNS = List.of("VERSION", "CANARY", "WEIGHT", "PHASE", "ACCURACY", "F1", "AUC",
            "RMSE", "LABELLED", "DRIFT", "READY", "AGE");

    @Override
    public HasMetadata process(HasMetadata crd, String crdSpecVersion) {
        if (!(crd instanceof CustomResourceDefinition definition)) {
            return crd;
        }
        for (CustomResourceDefinitionVersion version : definition.getSpec().getVersions()) {
            List<CustomResourceColumnDefinition> columns = version.getAdditionalPrinterColumns();
            if (columns != null) {
                columns.sort(Comparator.comparingInt(c -> position(c.getName())));
            }
            JSONSchemaProps root = version.getSchema().getOpenAPIV3Schema();
            root.setDescription("A machine-learning model served on Kubernetes: ModelKeeper runs its model-server"
                    + " pods, watches their serving and quality metrics and rolls new versions out.");
            describe(root, "spec", "What to serve and how: the model, its serving pods, monitoring and rollout.");
            describe(root, "status", "What the operator observed and decided. Written only by the operator.");
        }
        return crd;
    }

    private static int position(String column) {
        int index = COLUMNS.indexOf(column);
        return index < 0 ? COLUMNS.size() : index;
    }

    private static void describe(JSONSchemaProps root, String property, String description) {
        JSONSchemaProps props = root.getProperties() == null ? null : root.getProperties().get(property);
        if (props != null) {
            props.setDescription(description);
        }
    }
}
