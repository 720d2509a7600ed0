#!/usr/bin/env bash
# Serves a models directory inside the cluster at http://model-repository.default.svc.cluster.local,
# from a ConfigMap mounted into a small web server: serve-models.sh <models-dir>.
set -euo pipefail
MODELS="${1:?models directory}"
args=()
while IFS= read -r -d '' file; do
  rel="${file#"$MODELS"/}"
  args+=("--from-file=${rel//\//__}=$file")
done < <(find "$MODELS" -type f -print0)
kubectl create configmap model-files "${args[@]}" --dry-run=client -o yaml | kubectl apply -f -
kubectl apply -f - <<'YAML'
apiVersion: apps/v1
kind: Deployment
metadata:
  name: model-repository
spec:
  replicas: 1
  selector:
    matchLabels: {app: model-repository}
  template:
    metadata:
      labels: {app: model-repository}
    spec:
      containers:
      - name: web
        image: python:3.12-alpine
        # ConfigMap keys cannot hold "/": files are stored as a__b and laid out again here.
        command: ["sh", "-c", "mkdir -p /srv && cd /files && for f in *; do d=/srv/$(dirname \"$(echo $f | sed 's#__#/#g')\"); mkdir -p $d; cp $f /srv/$(echo $f | sed 's#__#/#g'); done && cd /srv && python -m http.server 80"]
        ports: [{containerPort: 80}]
        volumeMounts: [{name: files, mountPath: /files}]
      volumes:
      - name: files
        configMap: {name: model-files}
---
apiVersion: v1
kind: Service
metadata:
  name: model-repository
spec:
  selector: {app: model-repository}
  ports: [{port: 80, targetPort: 80}]
YAML
kubectl rollout status deployment/model-repository --timeout=180s
