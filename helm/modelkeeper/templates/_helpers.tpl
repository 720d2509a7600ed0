{{/* Chart name, overridable. */}}
{{- define "modelkeeper.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Full name used as the prefix of every object the chart creates. */}}
{{- define "modelkeeper.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "modelkeeper.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{ include "modelkeeper.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: modelkeeper
{{- end }}

{{- define "modelkeeper.selectorLabels" -}}
app.kubernetes.io/name: {{ include "modelkeeper.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: operator
{{- end }}

{{- define "modelkeeper.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "modelkeeper.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "modelkeeper.operatorImage" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{- define "modelkeeper.modelServerImage" -}}
{{- printf "%s:%s" .Values.modelServer.image.repository (default .Chart.AppVersion .Values.modelServer.image.tag) }}
{{- end }}

{{- define "modelkeeper.trainerImage" -}}
{{- printf "%s:%s" .Values.trainer.image.repository (default .Chart.AppVersion .Values.trainer.image.tag) }}
{{- end }}

{{/*
The rules the operator needs on namespaced objects; shared by the ClusterRole and the Roles.
They must equal operator/rbac/cluster-role.yaml (ChartRbacTest checks it).
*/}}
{{- define "modelkeeper.namespacedRules" -}}
# Watch ModelDeployments; write only their status (never spec: GitOps tools own it).
- apiGroups: ["modelkeeper.io"]
  resources: ["modeldeployments"]
  verbs: ["get", "list", "watch"]
- apiGroups: ["modelkeeper.io"]
  resources: ["modeldeployments/status"]
  verbs: ["get", "patch", "update"]
# The objects it makes carry an owner reference with blockOwnerDeletion, which
# OwnerReferencesPermissionEnforcement (OpenShift) allows only with update on finalizers.
- apiGroups: ["modelkeeper.io"]
  resources: ["modeldeployments/finalizers"]
  verbs: ["update"]
# One Deployment per model version: created, sized for its canary step, put back after manual
# edits, scaled to zero and removed when replaced.
- apiGroups: ["apps"]
  resources: ["deployments"]
  verbs: ["get", "list", "watch", "create", "update", "delete"]
# The Service over all versions; with the gateway-api router also one Service per running
# version, and the headless Service of an Indexed training Job; removed when its version goes.
- apiGroups: [""]
  resources: ["services"]
  verbs: ["get", "list", "watch", "create", "update", "delete"]
# gateway-api router: the canary's weight is written into the named HTTPRoute's backendRefs.
- apiGroups: ["gateway.networking.k8s.io"]
  resources: ["httproutes"]
  verbs: ["get", "list", "watch", "update"]
# Pods are only read, to tell why a version does not become ready.
- apiGroups: [""]
  resources: ["pods"]
  verbs: ["get", "list", "watch"]
# Secrets: only get, by name, the admin token named in spec.serving.access.adminToken, to scrape
# the servers' metrics with it (no list or watch: the operator never sees other Secrets).
- apiGroups: [""]
  resources: ["secrets"]
  verbs: ["get"]
# Events on ModelDeployments, ModelRetrainings and RetrainingRuns.
- apiGroups: [""]
  resources: ["events"]
  # list: the Events of a pod stuck before starting tell why (a volume it cannot mount).
  verbs: ["create", "list"]
# Retraining: watch ModelRetrainings and write only their status; runs are made by triggers,
# adopted (owner reference) when made by hand, their status written, the oldest deleted past
# spec.historyLimit.
- apiGroups: ["modelkeeper.io"]
  resources: ["modelretrainings"]
  verbs: ["get", "list", "watch"]
- apiGroups: ["modelkeeper.io"]
  resources: ["modelretrainings/status"]
  verbs: ["get", "patch", "update"]
- apiGroups: ["modelkeeper.io"]
  resources: ["retrainingruns"]
  verbs: ["get", "list", "watch", "create", "patch", "delete"]
- apiGroups: ["modelkeeper.io"]
  resources: ["retrainingruns/status"]
  verbs: ["get", "patch", "update"]
- apiGroups: ["modelkeeper.io"]
  resources: ["modelretrainings/finalizers", "retrainingruns/finalizers"]
  verbs: ["update"]
# A run's training, trial and evaluation Jobs (deleted with their run by the garbage collector;
#  a trial stopped early, or the running trials of a failed tuning run, deleted by the operator).
- apiGroups: ["batch"]
  resources: ["jobs"]
  verbs: ["get", "list", "watch", "create", "delete"]
# The training pod's per-step metric lines are read from its log.
- apiGroups: [""]
  resources: ["pods/log"]
  verbs: ["get"]
{{- end }}
