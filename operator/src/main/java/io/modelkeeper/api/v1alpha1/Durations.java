package io.modelkeeper.api.v1alpha1;

/** The one duration format of the API: an integer and a unit, such as 500ms, 30s, 2m or 1h. */
public final class Durations {

    /** Schema pattern of every duration field. */
    public static final String PATTERN = "^[0-9]+(ms|s|m|h)$";

    private Durations() {
    }
}
