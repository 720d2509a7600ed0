package io.modelkeeper.operator.observe;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.CustomResource;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.ListIterator;
import java.util.Map;

/**
 * Makes a Kubernetes object as read from the API server smaller in place, saying the same: every
 * empty list or map (the fabric8 model starts each object with its own, an empty {@code
 * additionalProperties} map in every nested object among them) becomes the one shared immutable
 * empty one, lists lose their spare capacity, and strings are interned, so a label value, an image
 * or an environment variable's name that a thousand objects repeat is held once. Equality is kept:
 * an empty list equals any other empty list. Only for objects that no one changes, as in an
 * informer cache: a cached object is read, and a changed copy of it is what gets written.
 *
 * <p>A custom resource's metadata and status are compacted; its spec, the user's, is left as it is.
 */
final class Compaction {

  private static final String MODEL_PACKAGE = "io.fabric8.kubernetes.api.model";

  /** The project's own resource types: their status objects are compacted too. */
  private static final String API_PACKAGE = "io.modelkeeper.api";

  /** The instance fields of each model class and its model superclasses, made accessible once. */
  private static final ClassValue<List<Field>> FIELDS =
      new ClassValue<>() {
        @Override
        protected List<Field> computeValue(Class<?> type) {
          List<Field> fields = new ArrayList<>();
          for (Class<?> c = type; c != null && isModel(c); c = c.getSuperclass()) {
            for (Field field : c.getDeclaredFields()) {
              int modifiers = field.getModifiers();
              if (!Modifier.isStatic(modifiers)
                  && !Modifier.isFinal(modifiers)
                  && !field.getType().isPrimitive()) {
                field.setAccessible(true);
                fields.add(field);
              }
            }
          }
          return List.copyOf(fields);
        }
      };

  private Compaction() {}

  /** Compacts a model object, or the metadata and status of a custom resource. */
  static void compact(HasMetadata object) {
    if (object instanceof CustomResource<?, ?> resource) {
      if (resource.getMetadata() != null) {
        compactFields(resource.getMetadata());
      }
      compacted(resource.getStatus());
    } else if (isModel(object.getClass())) {
      compactFields(object);
    }
  }

  private static void compactFields(Object object) {
    for (Field field : FIELDS.get(object.getClass())) {
      try {
        Object value = field.get(object);
        Object compacted = compacted(value);
        if (compacted != value && field.getType().isInstance(compacted)) {
          field.set(object, compacted);
        }
      } catch (IllegalAccessException e) {
        throw new IllegalStateException("cannot compact " + field, e);
      }
    }
  }

  private static Object compacted(Object value) {
    if (value instanceof String text) {
      return text.intern();
    }
    if (value instanceof List<?> list) {
      return compactedList(list);
    }
    if (value instanceof Map<?, ?> map) {
      return compactedMap(map);
    }
    if (value != null && !(value instanceof Enum<?>) && isModel(value.getClass())) {
      compactFields(value);
    }
    return value;
  }

  private static List<?> compactedList(List<?> list) {
    if (list.isEmpty()) {
      return List.of();
    }
    if (list instanceof ArrayList<?> array) {
      @SuppressWarnings("unchecked")
      ListIterator<Object> items = (ListIterator<Object>) array.listIterator();
      while (items.hasNext()) {
        Object item = items.next();
        Object compacted = compacted(item);
        if (compacted != item) {
          items.set(compacted);
        }
      }
      array.trimToSize();
    }
    return list;
  }

  private static Map<?, ?> compactedMap(Map<?, ?> map) {
    if (map.isEmpty()) {
      return Map.of();
    }
    // Keys are interned already: the JSON reader interns field names, and map keys are read as
    // such.
    if (map instanceof HashMap<?, ?>) {
      @SuppressWarnings("unchecked")
      Map<Object, Object> entries = (Map<Object, Object>) map;
      entries.replaceAll((key, value) -> compacted(value));
    }
    return map;
  }

  private static boolean isModel(Class<?> type) {
    String name = type.getPackageName();
    return name.startsWith(MODEL_PACKAGE) || name.startsWith(API_PACKAGE);
  }
}
