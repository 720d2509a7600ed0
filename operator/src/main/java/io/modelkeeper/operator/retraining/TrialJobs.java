package io.modelkeeper.operator.retraining;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.modelkeeper.operator.config.OperatorConfig;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The Job of one trial of a tuning run: the run's training Job (same template, same merge), named
 * {@code <run>-trial-<n>}, writing into {@code <run>/trial-<n>/}, with the trial's parameters in
 * the contract's environment and, as JSON, in an annotation, so that an operator that lost the
 * status write finds them on the Job.
 */
public final class TrialJobs {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<LinkedHashMap<String, String>> PARAMETERS =
      new TypeReference<>() {};

  private TrialJobs() {}

  /** Trial {@code index}'s Job; its parameters win over spec.training.hyperparameters. */
  public static Job trial(
      RunContext run, OperatorConfig config, int index, Map<String, String> parameters) {
    Map<String, String> all =
        new LinkedHashMap<>(run.retraining().getSpec().getTraining().getHyperparameters());
    all.putAll(parameters);
    Job job =
        TrainingJobs.training(
            run,
            config,
            RunNames.trialJob(run.runName(), index),
            run.runName() + "/" + RunNames.trialDir(index),
            index,
            all);
    job.getMetadata().getLabels().put(RunNames.TRIAL, String.valueOf(index));
    job.getSpec()
        .getTemplate()
        .getMetadata()
        .getLabels()
        .put(RunNames.TRIAL, String.valueOf(index));
    Map<String, String> annotations =
        job.getMetadata().getAnnotations() == null
            ? new LinkedHashMap<>()
            : new LinkedHashMap<>(job.getMetadata().getAnnotations());
    try {
      annotations.put(RunNames.TRIAL_PARAMETERS, JSON.writeValueAsString(parameters));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a map of strings always writes as JSON", e);
    }
    job.getMetadata().setAnnotations(annotations);
    return job;
  }

  /** The trial index of a trial's Job; empty for any other Job. */
  public static Optional<Integer> index(Job job) {
    Map<String, String> labels = job.getMetadata().getLabels();
    String text = labels == null ? null : labels.get(RunNames.TRIAL);
    try {
      return text == null ? Optional.empty() : Optional.of(Integer.parseInt(text));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** The parameters a trial's Job was made with; empty when its annotation does not read. */
  public static Optional<Map<String, String>> parameters(Job job) {
    Map<String, String> annotations = job.getMetadata().getAnnotations();
    String text = annotations == null ? null : annotations.get(RunNames.TRIAL_PARAMETERS);
    if (text == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(JSON.readValue(text, PARAMETERS));
    } catch (JsonProcessingException e) {
      return Optional.empty();
    }
  }
}
