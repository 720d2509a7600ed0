package io.modelkeeper.server.quality;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Model-quality, drift and dataset-capture settings, read from MODELKEEPER_* environment variables
 * (see docs/quality-and-drift.md, "Configuration").
 */
@ConfigMapping(prefix = "modelkeeper")
public interface QualityConfig {

  /** binary-classification, multiclass-classification or regression; unset turns monitoring off. */
  Optional<String> task();

  WindowSettings quality();

  /** Class names in class-index order; defaults to the indices. */
  Optional<List<String>> classNames();

  /** Output holding the predicted class index (or the regression value); detected when unset. */
  Optional<String> predictionOutput();

  /** Output holding the class scores; detected when unset. */
  Optional<String> scoreOutput();

  /** auto, probabilities or logits. */
  @WithDefault("auto")
  String scoreKind();

  StoreSettings predictionStore();

  DriftSettings drift();

  CaptureSettings capture();

  /** The quality window. */
  interface WindowSettings {
    /** Labelled predictions the quality metrics are computed over. */
    @WithDefault("1000")
    int window();
  }

  /** Where predictions wait for their labels. */
  interface StoreSettings {
    /** Most predictions (requests) remembered. */
    @WithDefault("100000")
    int size();

    /** How long a prediction waits for its label. */
    @WithDefault("1h")
    Duration maxAge();

    /**
     * Most bytes the store may hold; past it the oldest go first. An eighth of the heap if unset.
     */
    Optional<MemorySize> maxBytes();
  }

  /** Input and prediction drift. */
  interface DriftSettings {
    @WithDefault("true")
    boolean enabled();

    /** Recent rows compared against the reference. */
    @WithDefault("1000")
    int window();

    /** A reference.json to use instead of the one next to the model. */
    Optional<String> reference();

    /** Rows captured as the reference when none is shipped. */
    @WithDefault("1000")
    int referenceSize();

    /** Significance level of the KS test. */
    @WithDefault("0.05")
    double alpha();

    /** Most input columns tracked when the reference is captured. */
    @WithDefault("64")
    int maxFeatures();

    /**
     * Most bytes drift monitoring may keep (the reference, read or captured, and the recent rows);
     * a configuration or reference file that needs more turns drift off with the reason.
     */
    @WithDefault("16M")
    MemorySize maxBytes();
  }

  /** Dataset capture of labelled rows. */
  interface CaptureSettings {
    /** Directory for the JSON Lines files; unset turns capture off. */
    Optional<String> dir();

    @WithDefault("64M")
    MemorySize maxFileSize();

    @WithDefault("1h")
    Duration maxFileAge();

    @WithDefault("1s")
    Duration flushInterval();

    /** Rows that may wait for the disk before new ones are dropped (and counted). */
    @WithDefault("10000")
    int queue();
  }
}
