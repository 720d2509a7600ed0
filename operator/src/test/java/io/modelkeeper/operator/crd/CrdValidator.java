package io.modelkeeper.operator.crd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonMetaSchema;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.NonValidationKeyword;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks a ModelDeployment the way an API server would with the committed CRD: the openAPIV3Schema
 * (with unknown fields rejected, as kubectl's default strict field validation does), then every
 * x-kubernetes-validations CEL rule, evaluated by cel-java.
 */
public final class CrdValidator {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private final JsonNode schema;
  private final JsonSchema jsonSchema;
  private final CelCompiler cel =
      CelCompilerFactory.standardCelCompilerBuilder()
          .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
          .addVar("self", SimpleType.DYN)
          .build();
  private final CelRuntime runtime = CelRuntimeFactory.standardCelRuntimeBuilder().build();

  public CrdValidator(String crdYaml) {
    try {
      JsonNode crd = YAML.readTree(crdYaml);
      this.schema = crd.at("/spec/versions/0/schema/openAPIV3Schema");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    JsonNode strict = schema.deepCopy();
    rejectUnknownFields(strict);
    JsonMetaSchema openApi =
        JsonMetaSchema.builder("https://modelkeeper.io/openapi-v3-schema", JsonMetaSchema.getV4())
            .keyword(new NonValidationKeyword("x-kubernetes-validations"))
            .keyword(new NonValidationKeyword("x-kubernetes-int-or-string"))
            .keyword(new NonValidationKeyword("x-kubernetes-preserve-unknown-fields"))
            .keyword(new NonValidationKeyword("nullable"))
            .build();
    JsonSchemaFactory factory =
        JsonSchemaFactory.builder(JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4))
            .metaSchema(openApi)
            .defaultMetaSchemaIri(openApi.getIri())
            .build();
    this.jsonSchema = factory.getSchema(strict);
  }

  /** The validator for the committed crds/ file. */
  public static CrdValidator committed() {
    return new CrdValidator(GeneratedCrd.committed());
  }

  /** The CRD's openAPIV3Schema as committed. */
  public JsonNode schema() {
    return schema;
  }

  /** Every reason the API server would refuse the resource; empty when it would accept it. */
  public List<String> validate(String resourceYaml) {
    JsonNode resource;
    try {
      resource = YAML.readTree(resourceYaml);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    // The API server checks metadata itself; the schema covers spec and status.
    ObjectNode checked = resource.deepCopy();
    checked.remove(List.of("apiVersion", "kind", "metadata"));
    List<String> errors = new ArrayList<>();
    for (ValidationMessage message : jsonSchema.validate(checked)) {
      errors.add(message.getMessage());
    }
    if (errors.isEmpty()) {
      // Rules on the root see metadata.name and generateName, as on a real API server.
      ObjectNode withName = checked.deepCopy();
      ObjectNode metadata = withName.putObject("metadata");
      for (String field : List.of("name", "generateName")) {
        if (resource.path("metadata").has(field)) {
          metadata.set(field, resource.path("metadata").get(field));
        }
      }
      evaluateRules(schema, withName, "$", errors);
    }
    return errors;
  }

  private void evaluateRules(
      JsonNode schemaNode, JsonNode value, String path, List<String> errors) {
    if (value == null || value.isNull() || value.isMissingNode()) {
      return;
    }
    for (JsonNode rule : schemaNode.path("x-kubernetes-validations")) {
      if (!holds(rule.path("rule").asText(), value)) {
        errors.add(path + ": " + rule.path("message").asText(rule.path("rule").asText()));
      }
    }
    JsonNode properties = schemaNode.path("properties");
    for (Iterator<String> names = properties.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      evaluateRules(properties.get(name), value.get(name), path + "." + name, errors);
    }
    if (value.isArray() && schemaNode.has("items")) {
      for (int i = 0; i < value.size(); i++) {
        evaluateRules(schemaNode.get("items"), value.get(i), path + "[" + i + "]", errors);
      }
    }
  }

  private boolean holds(String rule, JsonNode self) {
    try {
      var ast = cel.compile(rule).getAst();
      Object result = runtime.createProgram(ast).eval(Map.of("self", toCel(self)));
      return Boolean.TRUE.equals(result);
    } catch (CelValidationException | CelEvaluationException e) {
      throw new IllegalStateException("CEL rule does not evaluate: " + rule, e);
    }
  }

  /** Property names the API server escapes as __name__ in CEL rules. */
  private static final java.util.Set<String> CEL_KEYWORDS =
      java.util.Set.of(
          "true",
          "false",
          "null",
          "in",
          "as",
          "break",
          "const",
          "continue",
          "else",
          "for",
          "function",
          "if",
          "import",
          "let",
          "loop",
          "package",
          "namespace",
          "return",
          "var",
          "void",
          "while");

  /** JSON to the values CEL works on: int64 for integers, double for numbers, lists and maps. */
  private static Object toCel(JsonNode node) {
    if (node.isObject()) {
      Map<String, Object> map = new LinkedHashMap<>();
      // As the API server does: a property named like a CEL keyword is self.__name__.
      node.fields()
          .forEachRemaining(
              e ->
                  map.put(
                      CEL_KEYWORDS.contains(e.getKey()) ? "__" + e.getKey() + "__" : e.getKey(),
                      toCel(e.getValue())));
      return map;
    }
    if (node.isArray()) {
      List<Object> list = new ArrayList<>();
      node.forEach(item -> list.add(toCel(item)));
      return list;
    }
    if (node.isIntegralNumber()) {
      return node.longValue();
    }
    if (node.isNumber()) {
      return node.doubleValue();
    }
    if (node.isBoolean()) {
      return node.booleanValue();
    }
    return node.asText();
  }

  /** Object schemas that list their properties get additionalProperties: false. */
  private static void rejectUnknownFields(JsonNode node) {
    if (node instanceof ObjectNode object) {
      if (object.has("properties")
          && !object.has("additionalProperties")
          && !object.has("x-kubernetes-preserve-unknown-fields")) {
        object.put("additionalProperties", false);
      }
      object.elements().forEachRemaining(CrdValidator::rejectUnknownFields);
    } else if (node != null && node.isArray()) {
      node.forEach(CrdValidator::rejectUnknownFields);
    }
  }
}
