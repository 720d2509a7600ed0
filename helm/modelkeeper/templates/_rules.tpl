{{/* Alert groups; kept apart from the PrometheusRule wrapper so they can be checked with promtool. */}}
{{- define "modelkeeper.ruleGroups" -}}
{{- $r := .Values.prometheusRule -}}
groups:
  - name: modelkeeper.models
    rules:
      - alert: ModelKeeperModelDegraded
        expr: max by (namespace, modeldeployment, reason) (modelkeeper_modeldeployment_degraded) == 1
        for: {{ $r.for }}
        labels:
          severity: warning
        annotations:
          summary: "ModelDeployment {{ "{{" }} $labels.namespace {{ "}}" }}/{{ "{{" }} $labels.modeldeployment {{ "}}" }} is degraded"
          description: "The operator set Degraded=True ({{ "{{" }} $labels.reason {{ "}}" }}). Run kubectl describe md {{ "{{" }} $labels.modeldeployment {{ "}}" }} -n {{ "{{" }} $labels.namespace {{ "}}" }}."
      - alert: ModelKeeperCanaryRolledBack
        expr: sum by (namespace, modeldeployment) (increase(modelkeeper_rollouts_total{result="RolledBack"}[15m])) > 0
        labels:
          severity: warning
        annotations:
          summary: "A canary of {{ "{{" }} $labels.namespace {{ "}}" }}/{{ "{{" }} $labels.modeldeployment {{ "}}" }} was rolled back"
          description: "The last canary failed its analysis; status.history says why."
      - alert: ModelKeeperHighErrorRate
        expr: |
          sum by (namespace, model, version) (rate(modelkeeper_requests_total{outcome!="success"}[5m]))
            / sum by (namespace, model, version) (rate(modelkeeper_requests_total[5m])) > {{ $r.maxErrorRate }}
        for: {{ $r.for }}
        labels:
          severity: critical
        annotations:
          summary: "Model {{ "{{" }} $labels.model {{ "}}" }} v{{ "{{" }} $labels.version {{ "}}" }} fails more than {{ $r.maxErrorRate }} of requests"
          description: "Errors (4xx and 5xx, as spec.monitoring.slo.maxErrorRate counts them) are {{ "{{" }} $value | humanizePercentage {{ "}}" }} of requests over 5 minutes."
      - alert: ModelKeeperHighLatency
        expr: |
          histogram_quantile(0.99, sum by (namespace, model, version, le) (rate(modelkeeper_request_duration_seconds_bucket[5m]))) > {{ $r.maxLatencyP99Seconds }}
        for: {{ $r.for }}
        labels:
          severity: warning
        annotations:
          summary: "Model {{ "{{" }} $labels.model {{ "}}" }} v{{ "{{" }} $labels.version {{ "}}" }} p99 latency is above {{ $r.maxLatencyP99Seconds }}s"
          description: "p99 over 5 minutes is {{ "{{" }} $value | humanizeDuration {{ "}}" }}."
      - alert: ModelKeeperAccuracyBelowSLO
        expr: min by (namespace, model, version) (modelkeeper_quality_accuracy) < {{ $r.minAccuracy }}
        for: {{ $r.for }}
        labels:
          severity: warning
        annotations:
          summary: "Model {{ "{{" }} $labels.model {{ "}}" }} v{{ "{{" }} $labels.version {{ "}}" }} accuracy is below {{ $r.minAccuracy }}"
          description: "Windowed accuracy from labelled feedback is {{ "{{" }} $value {{ "}}" }}."
      - alert: ModelKeeperInputDrift
        expr: max by (namespace, model, version) (modelkeeper_drift_score) > {{ $r.maxDrift }}
        for: {{ $r.for }}
        labels:
          severity: warning
        annotations:
          summary: "Inputs of model {{ "{{" }} $labels.model {{ "}}" }} v{{ "{{" }} $labels.version {{ "}}" }} drift from the reference"
          description: "Overall drift score is {{ "{{" }} $value {{ "}}" }}; see modelkeeper_drift_psi by feature."
  - name: modelkeeper.retraining
    rules:
      - alert: ModelKeeperRetrainingFailing
        expr: max by (namespace, retraining) (modelkeeper_retraining_consecutive_failures) >= {{ $r.retrainingConsecutiveFailures }}
        labels:
          severity: warning
        annotations:
          summary: "Retraining {{ "{{" }} $labels.namespace {{ "}}" }}/{{ "{{" }} $labels.retraining {{ "}}" }} failed {{ "{{" }} $value {{ "}}" }} runs in a row"
          description: "Its runs keep failing; once spec.guards.maxConsecutiveFailures is reached no run starts (Stalled=True). Run kubectl get mrr -n {{ "{{" }} $labels.namespace {{ "}}" }} and kubectl describe mrt {{ "{{" }} $labels.retraining {{ "}}" }} -n {{ "{{" }} $labels.namespace {{ "}}" }}."
{{- end }}
