package io.modelkeeper.e2e.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resource quantities in the canonical form a real API server stores ({@code 0.5} → {@code 500m},
 * {@code 1000m} → {@code 1}, {@code 1024Mi} → {@code 1Gi}), as Kubernetes' {@code
 * resource.Quantity} serialises them. Only the pod-template places where quantities live are
 * rewritten; custom resources keep what their author wrote, as on a real server.
 */
final class Quantities {

  private static final Pattern QUANTITY =
      Pattern.compile("^([+-]?[0-9.]+)([eE][+-]?[0-9]+|[numkMGTPE]|[KMGTPE]i)?$");
  private static final String[] DECIMAL_SUFFIXES = {
    "n", "u", "m", "", "k", "M", "G", "T", "P", "E"
  };
  private static final String[] BINARY_SUFFIXES = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};
  private static final BigInteger KI = BigInteger.valueOf(1024);

  private enum Format {
    DECIMAL_SI,
    BINARY_SI,
    DECIMAL_EXPONENT
  }

  private Quantities() {}

  /** The canonical form of {@code quantity}, or empty when it is not a quantity. */
  static Optional<String> canonical(String quantity) {
    Matcher m = QUANTITY.matcher(quantity.trim());
    if (!m.matches() || m.group(1).chars().filter(c -> c == '.').count() > 1) {
      return Optional.empty();
    }
    BigDecimal number;
    try {
      number = new BigDecimal(m.group(1));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
    String suffix = m.group(2) == null ? "" : m.group(2);
    Format format = Format.DECIMAL_SI;
    if (suffix.endsWith("i")) {
      format = Format.BINARY_SI;
      int power = List.of(BINARY_SUFFIXES).indexOf(suffix);
      number = number.multiply(new BigDecimal(KI.pow(power)));
    } else if (suffix.startsWith("e") || suffix.startsWith("E")) {
      format = Format.DECIMAL_EXPONENT;
      number = number.scaleByPowerOfTen(Integer.parseInt(suffix.substring(1)));
    } else {
      int index = List.of(DECIMAL_SUFFIXES).indexOf(suffix);
      number = number.scaleByPowerOfTen(3 * (index - 3));
    }
    // Kubernetes keeps nano precision and rounds up what is finer.
    number = number.setScale(9, RoundingMode.CEILING).stripTrailingZeros();
    if (number.signum() == 0) {
      return Optional.of("0");
    }
    if (format == Format.BINARY_SI) {
      boolean whole = number.scale() <= 0;
      if (!whole || number.abs().compareTo(BigDecimal.valueOf(1024)) < 0) {
        format = Format.DECIMAL_SI;
      } else {
        return Optional.of(binary(number.toBigIntegerExact()));
      }
    }
    return Optional.of(decimal(number, format));
  }

  private static String binary(BigInteger value) {
    int power = 0;
    while (power < BINARY_SUFFIXES.length - 1 && value.mod(KI).signum() == 0) {
      value = value.divide(KI);
      power++;
    }
    return value + BINARY_SUFFIXES[power];
  }

  private static String decimal(BigDecimal number, Format format) {
    // number = unscaled * 10^exponent, written with an exponent that is a multiple of 3.
    BigInteger unscaled = number.unscaledValue();
    int exponent = -number.scale();
    int exponent3 = Math.floorDiv(exponent, 3) * 3;
    exponent3 = Math.min(exponent3, 18);
    BigInteger mantissa = unscaled.multiply(BigInteger.TEN.pow(exponent - exponent3));
    if (format == Format.DECIMAL_EXPONENT) {
      return mantissa + (exponent3 == 0 ? "" : "e" + exponent3);
    }
    return mantissa + DECIMAL_SUFFIXES[exponent3 / 3 + 3];
  }

  /** Canonicalises the quantities of a Pod, a pod template's owner or a claim, in place. */
  static void canonicaliseObject(String kind, JsonNode object) {
    JsonNode spec = object.path("spec");
    switch (kind) {
      case "Pod" -> podSpec(spec);
      case "Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job" ->
          podSpec(spec.path("template").path("spec"));
      case "PersistentVolumeClaim" -> resources(spec.path("resources"));
      default -> {}
    }
  }

  private static void podSpec(JsonNode podSpec) {
    for (String containers : List.of("initContainers", "containers", "ephemeralContainers")) {
      for (JsonNode container : podSpec.path(containers)) {
        resources(container.path("resources"));
      }
    }
    resources(podSpec.path("resources"));
    quantityMap(podSpec.path("overhead"));
    for (JsonNode volume : podSpec.path("volumes")) {
      JsonNode emptyDir = volume.path("emptyDir");
      if (emptyDir instanceof ObjectNode dir && dir.has("sizeLimit")) {
        canonical(dir.get("sizeLimit").asText())
            .ifPresent(value -> dir.set("sizeLimit", TextNode.valueOf(value)));
      }
    }
  }

  private static void resources(JsonNode resources) {
    quantityMap(resources.path("limits"));
    quantityMap(resources.path("requests"));
  }

  private static void quantityMap(JsonNode map) {
    if (!(map instanceof ObjectNode object)) {
      return;
    }
    List<String> names = new ArrayList<>();
    object.fieldNames().forEachRemaining(names::add);
    for (String name : names) {
      JsonNode value = object.get(name);
      if (value.isNumber() || value.isTextual()) {
        canonical(value.asText()).ifPresent(q -> object.set(name, TextNode.valueOf(q)));
      }
    }
  }

  /** Fields holding something that is not a quantity, as {@code path: value}. */
  static List<FieldError> invalid(String kind, JsonNode object) {
    List<FieldError> errors = new ArrayList<>();
    JsonNode podSpec =
        "Pod".equals(kind)
            ? object.path("spec")
            : object.path("spec").path("template").path("spec");
    String base = "Pod".equals(kind) ? "spec" : "spec.template.spec";
    for (String containers : List.of("initContainers", "containers")) {
      int i = 0;
      for (JsonNode container : podSpec.path(containers)) {
        for (String part : List.of("limits", "requests")) {
          for (Iterator<Map.Entry<String, JsonNode>> it =
                  container.path("resources").path(part).fields();
              it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            if (canonical(entry.getValue().asText()).isEmpty()) {
              errors.add(
                  FieldError.invalid(
                      base
                          + "."
                          + containers
                          + "["
                          + i
                          + "].resources."
                          + part
                          + "["
                          + entry.getKey()
                          + "]",
                      entry.getValue(),
                      "quantities must match the regular expression"
                          + " '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"));
            }
          }
        }
        i++;
      }
    }
    return errors;
  }
}
