package io.modelkeeper.packaging;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds fields a fabric8 model did not recognise: they land in {@code additionalProperties}, which
 * is how a misspelt or misplaced key in a template would otherwise pass unnoticed.
 */
final class UnknownFields {

  private final List<String> found = new ArrayList<>();
  private final Map<Object, Boolean> seen = new IdentityHashMap<>();

  private UnknownFields() {}

  static List<String> in(Object model) {
    UnknownFields walker = new UnknownFields();
    walker.visit(model, model.getClass().getSimpleName());
    return walker.found;
  }

  private void visit(Object node, String path) {
    if (node == null || seen.put(node, Boolean.TRUE) != null) {
      return;
    }
    if (node instanceof Collection<?> items) {
      int i = 0;
      for (Object item : items) {
        visit(item, path + "[" + i++ + "]");
      }
      return;
    }
    if (node instanceof Map<?, ?> map) {
      map.forEach((key, value) -> visit(value, path + "." + key));
      return;
    }
    if (!node.getClass().getName().startsWith("io.fabric8.")) {
      return;
    }
    for (Method getter : node.getClass().getMethods()) {
      if (getter.getParameterCount() != 0
          || Modifier.isStatic(getter.getModifiers())
          || !getter.getName().startsWith("get")
          || getter.getDeclaringClass() == Object.class) {
        continue;
      }
      Object value = invoke(getter, node);
      if (getter.getName().equals("getAdditionalProperties")) {
        if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
          found.add(path + ": unknown " + extra.keySet());
        }
      } else {
        visit(value, path + "." + property(getter));
      }
    }
  }

  private static Object invoke(Method getter, Object target) {
    try {
      return getter.invoke(target);
    } catch (ReflectiveOperationException e) {
      return null;
    }
  }

  private static String property(Method getter) {
    String name = getter.getName().substring(3);
    return name.isEmpty() ? name : Character.toLowerCase(name.charAt(0)) + name.substring(1);
  }
}
