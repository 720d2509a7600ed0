package io.modelkeeper.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A spec object that keeps the names of fields it does not know (a typo applied without validation,
 * or a field of a newer CRD than this operator) instead of refusing the whole object, so that
 * reading one such object never stops the others; they are never written back.
 */
public abstract class KnownFields {

  @JsonIgnore private final Map<String, Object> unknownFields = new LinkedHashMap<>();

  @JsonAnySetter
  void unknownField(String name, Object value) {
    unknownFields.put(name, value);
  }

  /**
   * The fields of this object that none of its properties took, by name. Written out again when the
   * object is copied (the operator SDK copies what it reconciles through JSON), so they are not
   * lost on the way; the operator never writes a spec.
   */
  @JsonAnyGetter
  public Map<String, Object> unknownFields() {
    return unknownFields;
  }
}
