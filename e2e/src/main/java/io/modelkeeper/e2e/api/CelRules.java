package io.modelkeeper.e2e.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code x-kubernetes-validations} rules of a schema, evaluated with cel-java on {@code self}
 * (and {@code oldSelf} on updates, for transition rules) at every node that declares them.
 */
final class CelRules {

  private final CelCompiler compiler =
      CelCompilerFactory.standardCelCompilerBuilder()
          .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
          .addVar("self", SimpleType.DYN)
          .addVar("oldSelf", SimpleType.DYN)
          .build();
  private final CelRuntime runtime = CelRuntimeFactory.standardCelRuntimeBuilder().build();
  private final Map<String, CelRuntime.Program> programs = new ConcurrentHashMap<>();

  /** Adds an error for each rule under {@code schema} that {@code value} breaks. */
  void check(JsonNode schema, JsonNode value, JsonNode old, String path, List<FieldError> errors) {
    if (value == null || value.isNull() || value.isMissingNode()) {
      return;
    }
    for (JsonNode rule : schema.path("x-kubernetes-validations")) {
      String expression = rule.path("rule").asText();
      boolean transition = expression.contains("oldSelf");
      if (transition && (old == null || old.isNull() || old.isMissingNode())) {
        continue;
      }
      if (!holds(expression, value, transition ? old : null)) {
        String message =
            rule.has("message") ? rule.get("message").asText() : "failed rule: " + expression;
        String field = rule.has("fieldPath") ? path + rule.get("fieldPath").asText() : path;
        errors.add(FieldError.invalid(field, value, message));
      }
    }
    JsonNode properties = schema.path("properties");
    if (value.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        JsonNode child =
            properties.has(field.getKey())
                ? properties.get(field.getKey())
                : schema.path("additionalProperties");
        if (child.isObject()) {
          check(
              child,
              field.getValue(),
              old == null ? null : old.get(field.getKey()),
              path + "." + field.getKey(),
              errors);
        }
      }
    }
    if (value.isArray() && schema.has("items")) {
      for (int i = 0; i < value.size(); i++) {
        // Lists are matched by position only when the list is atomic; keep it simple: no oldSelf.
        check(schema.get("items"), value.get(i), null, path + "[" + i + "]", errors);
      }
    }
  }

  private boolean holds(String expression, JsonNode self, JsonNode oldSelf) {
    try {
      Map<String, Object> variables = new HashMap<>();
      variables.put("self", toCel(self));
      if (oldSelf != null) {
        variables.put("oldSelf", toCel(oldSelf));
      }
      return Boolean.TRUE.equals(program(expression).eval(variables));
    } catch (CelEvaluationException e) {
      // A real server reports an evaluation error as a failed rule, naming the error.
      return false;
    }
  }

  private CelRuntime.Program program(String expression) {
    return programs.computeIfAbsent(
        expression,
        rule -> {
          try {
            CelAbstractSyntaxTree ast = compiler.compile(rule).getAst();
            return runtime.createProgram(ast);
          } catch (CelValidationException | CelEvaluationException e) {
            throw new IllegalArgumentException("CEL rule does not compile: " + rule, e);
          }
        });
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
}
