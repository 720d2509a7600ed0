package io.modelkeeper.packaging;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Renders the ModelKeeper chart offline and parses what it renders into fabric8 objects. */
final class Chart {

  static final String RELEASE = "modelkeeper";
  static final String NAMESPACE = "modelkeeper-system";
  static final String KUBE_VERSION = "1.32.0";
  private static final Pattern DOCUMENT_SEPARATOR = Pattern.compile("(?m)^---\\s*$");

  private Chart() {}

  static Helm helm() {
    return new Helm(Repo.path("helm/modelkeeper"));
  }

  /**
   * Renders with the given values (dotted keys, as with --set; lists stay lists), CRDs included. An
   * empty map renders the chart's defaults.
   */
  static String render(Map<String, Object> values) {
    TemplateCommand template =
        helm().template().withName(RELEASE).withNamespace(NAMESPACE).withKubeVersion(KUBE_VERSION);
    if (!values.isEmpty()) {
      template.withValuesFile(valuesFile(values));
    }
    return template.call();
  }

  private static Path valuesFile(Map<String, Object> dotted) {
    Map<String, Object> nested = new LinkedHashMap<>();
    dotted.forEach((key, value) -> put(nested, key.split("\\."), value));
    try {
      Path file = Files.createTempFile("values-", ".yaml");
      file.toFile().deleteOnExit();
      Files.writeString(file, Serialization.asYaml(nested));
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @SuppressWarnings("unchecked")
  private static void put(Map<String, Object> into, String[] path, Object value) {
    Map<String, Object> node = into;
    for (int i = 0; i < path.length - 1; i++) {
      node = (Map<String, Object>) node.computeIfAbsent(path[i], k -> new LinkedHashMap<>());
    }
    node.put(path[path.length - 1], value);
  }

  static List<String> documents(String rendered) {
    List<String> docs = new ArrayList<>();
    for (String doc : DOCUMENT_SEPARATOR.split(rendered)) {
      if (!doc.lines().allMatch(line -> line.isBlank() || line.trim().startsWith("#"))) {
        docs.add(doc);
      }
    }
    return docs;
  }

  static List<HasMetadata> objects(String rendered) {
    List<HasMetadata> objects = new ArrayList<>();
    for (String doc : documents(rendered)) {
      KubernetesResource parsed = Serialization.unmarshal(doc, KubernetesResource.class);
      objects.add((HasMetadata) parsed);
    }
    return objects;
  }

  static List<HasMetadata> objects(Map<String, Object> values) {
    return objects(render(values));
  }

  static <T extends HasMetadata> List<T> ofType(List<HasMetadata> objects, Class<T> type) {
    return objects.stream().filter(type::isInstance).map(type::cast).toList();
  }

  static Map<String, Object> values(Object... keysAndValues) {
    Map<String, Object> values = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      values.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return values;
  }
}
