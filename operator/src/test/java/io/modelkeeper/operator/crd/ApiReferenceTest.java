package io.modelkeeper.operator.crd;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * docs/api-reference.md names every field of the CRD, so the API reference cannot silently fall
 * behind.
 */
class ApiReferenceTest {

  private static final Set<String> KUBERNETES_TYPES =
      Set.of(
          "spec.serving.resources",
          "spec.serving.affinity",
          "spec.serving.tolerations",
          "status.conditions");

  @Test
  void apiReferenceDocumentsEveryField() throws IOException {
    String reference = Files.readString(Path.of("..", "docs", "api-reference.md"));
    for (Class<? extends HasMetadata> type : GeneratedCrd.TYPES) {
      JsonNode schema = new CrdValidator(GeneratedCrd.committed(type)).schema();
      List<String> fields = new ArrayList<>();
      collect(schema.path("properties").path("spec"), "spec", fields);
      collect(schema.path("properties").path("status"), "status", fields);

      assertThat(fields).hasSizeGreaterThan(5);
      assertThat(fields)
          .as("fields of " + type.getSimpleName() + " missing from docs/api-reference.md")
          .allSatisfy(field -> assertThat(reference).contains("`" + field + "`"));
    }
  }

  @Test
  void everySectionAppearsOnce() throws IOException {
    // A merge that keeps both sides of the page doubles whole sections, whose copies then drift.
    List<String> headings =
        Files.readAllLines(Path.of("..", "docs", "api-reference.md")).stream()
            .filter(line -> line.startsWith("#"))
            .toList();
    assertThat(headings).hasSizeGreaterThan(5).doesNotHaveDuplicates();
  }

  private static void collect(JsonNode schema, String path, List<String> fields) {
    JsonNode properties = schema.path("properties");
    for (Iterator<String> names = properties.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      JsonNode property = properties.get(name);
      String field = path + "." + name;
      fields.add(field);
      if (KUBERNETES_TYPES.contains(field)) {
        continue;
      }
      if (property.has("items")) {
        collect(property.get("items"), field + "[]", fields);
      } else {
        collect(property, field, fields);
      }
    }
  }
}
