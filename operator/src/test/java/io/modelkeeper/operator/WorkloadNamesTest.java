package io.modelkeeper.operator;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WorkloadNamesTest {

    @Test
    void plainVersionsKeepTheirName() {
        assertThat(WorkloadNames.deployment(TestModels.model("fraud", "7"), "7")).isEqualTo("fraud-7");
    }

    @Test
    void versionsThatAreNoDnsLabelGetSanitisedAndAHashSoTheyNeverCollide() {
        var md = TestModels.model("fraud", "1");
        String dotted = WorkloadNames.deployment(md, "1.0");
        String dashed = WorkloadNames.deployment(md, "1-0");
        assertThat(dotted).matches("fraud-1-0-[0-9a-f]{6}");
        assertThat(dashed).isEqualTo("fraud-1-0");
        assertThat(WorkloadNames.deployment(md, "V2")).matches("fraud-v2-[0-9a-f]{6}");
    }

    @Test
    void longNamesAreCutToADnsLabel() {
        var md = TestModels.model("a".repeat(50), "1");
        String name = WorkloadNames.deployment(md, "2024-06-01-retrained-on-fresh-data");
        assertThat(name).hasSizeLessThanOrEqualTo(63).matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    }

    @Test
    void endpointUsesTheModelName() {
        var md = TestModels.model("fraud", "1", spec -> spec.getModel().setName("fraud-v2"));
        assertThat(WorkloadNames.endpoint(md)).isEqualTo("http://fraud.ml.svc.cluster.local/v2/models/fraud-v2");
    }
}
