package io.modelkeeper.server.explain;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.List;
import java.util.Optional;

/**
 * Explanation settings, read from MODELKEEPER_EXPLAIN_* environment variables (see
 * docs/explanations.md, "Settings").
 */
@ConfigMapping(prefix = "modelkeeper.explain")
public interface ExplainConfig {

  /** Up to this many features Shapley values are exact (2^M coalitions); above it Kernel SHAP. */
  @WithDefault("10")
  int exactMaxFeatures();

  /** Most model rows one explanation request may run; a request that needs more gets 413. */
  @WithDefault("262144")
  int maxModelRows();

  /** Most background rows an explanation uses, whatever their source. */
  @WithDefault("100")
  int maxBackgroundRows();

  /** Coalitions (Kernel SHAP) or perturbations (LIME) when the request does not say. */
  @WithDefault("2048")
  int samples();

  /** Most rows one ONNX Runtime call of an explanation carries. */
  @WithDefault("4096")
  int chunkRows();

  /** Explanations computed at once, each on its own low-priority thread. */
  @WithDefault("1")
  int threads();

  /** Explanation requests waiting for a thread; the next one gets 429 with Retry-After. */
  @WithDefault("4")
  int queue();

  /** Names of the explained input's columns, in order; else the drift reference's, else f0…fN. */
  Optional<List<String>> featureNames();

  /** The output explained when the request names none; else the first floating-point output. */
  Optional<String> output();

  Live live();

  /** Live importance: explanations of a sample of live requests. */
  interface Live {
    /** Share of live inference requests explained in the background; 0 turns it off. */
    @WithDefault("0.01")
    double rate();

    /**
     * Most of one core live explanations take on average: after each, the next waits until the
     * share is kept (sampled requests meanwhile are dropped and counted); 1 or more does not wait.
     */
    @WithDefault("0.1")
    double cpu();

    /** Live explanations waiting for a thread; more are dropped (and counted). */
    @WithDefault("8")
    int queue();

    /**
     * Coalitions per live Kernel SHAP explanation (models above the exact limit); smaller than
     * {@link ExplainConfig#samples()} to keep their cost low.
     */
    @WithDefault("256")
    int samples();

    /** Background rows a live explanation uses. */
    @WithDefault("20")
    int backgroundRows();
  }
}
