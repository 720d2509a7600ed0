# syntax=docker/dockerfile:1.7
#
# ModelKeeper images. Build one target at a time:
#   docker build --target operator          -t ghcr.io/modelkeeper/operator:0.1.0 .
#   docker build --target model-server      -t ghcr.io/modelkeeper/model-server:0.1.0 .
#   docker build --target model-server-cuda -t ghcr.io/modelkeeper/model-server:0.1.0-cuda .
#   docker build --target trainer           -t ghcr.io/modelkeeper/trainer:0.1.0 .
# or, with podman and base images made from Debian packages (no registry needed):
#   packaging/images/build-images.sh
#
# Runtime images have no shell and run as uid 65532. The JVM heap follows the container's
# memory limit (MaxRAMPercentage); JAVA_TOOL_OPTIONS overrides it without a shell.
#
# Base images: JDK_IMAGE builds, RUNTIME_IMAGE runs the CPU images (any JRE 17 image without a
# shell whose `java` is on PATH), JRE_IMAGE gives the CUDA image its JRE in /opt/java/openjdk.
# The defaults are tags, not digests (docs/security.md#images says why); pin one by passing
# <image>:<tag>@sha256:<digest> as the build argument.
# packaging/images/build-images.sh passes Debian-built ones for the first two.
#
# The CUDA target is built by users, not by our CI: its base image and the onnxruntime_gpu
# jar (640 MB of native libraries) make it several GB, and it needs the upstream JRE_IMAGE
# layout. CI builds and runs the operator and the CPU model server.

ARG JDK_IMAGE=eclipse-temurin:17-jdk
ARG JRE_IMAGE=eclipse-temurin:17-jre
ARG RUNTIME_IMAGE=gcr.io/distroless/java17-debian12:nonroot
ARG CUDA_IMAGE=nvidia/cuda:12.8.1-cudnn-runtime-ubuntu24.04
ARG VERSION=0.1.0-SNAPSHOT
ARG REVISION=unknown

# ---- build: the CPU jars of the operator, the model server and the trainer ---------------
FROM ${JDK_IMAGE} AS build
# A read-only Maven repository to take artifacts from before Central (build-images.sh mounts
# the host's ~/.m2/repository there when it has one); empty: download everything.
ARG MAVEN_REPO_TAIL=
WORKDIR /src
COPY .mvn/ .mvn/
COPY mvnw pom.xml ./
# Maven reads every module POM the root pom.xml names, even those -pl leaves out.
COPY contract/pom.xml contract/
COPY api/pom.xml api/
COPY model-server/pom.xml model-server/
COPY operator/pom.xml operator/
COPY trainer/pom.xml trainer/
COPY cli/pom.xml cli/
COPY e2e/pom.xml e2e/
COPY packaging/pom.xml packaging/
COPY bench/pom.xml bench/
COPY contract/src/ contract/src/
COPY api/src/ api/src/
COPY model-server/src/ model-server/src/
COPY operator/src/ operator/src/
COPY trainer/src/ trainer/src/
# The cache mount keeps downloads between builds without putting them into a layer.
RUN --mount=type=cache,target=/root/.m2 \
    ./mvnw -B -q -pl model-server,operator,trainer -am -DskipTests \
      ${MAVEN_REPO_TAIL:+-Dmaven.repo.local.tail=$MAVEN_REPO_TAIL} package

# ---- build-gpu: the model server linked against onnxruntime_gpu -------------------------
FROM build AS build-gpu
RUN --mount=type=cache,target=/root/.m2 \
    ./mvnw -B -q -pl model-server -am -Pgpu -DskipTests \
      ${MAVEN_REPO_TAIL:+-Dmaven.repo.local.tail=$MAVEN_REPO_TAIL} package

# ---- operator ---------------------------------------------------------------------------
FROM ${RUNTIME_IMAGE} AS operator
ARG VERSION
ARG REVISION
LABEL org.opencontainers.image.title="modelkeeper-operator" \
      org.opencontainers.image.description="Kubernetes operator that deploys, monitors and canaries ONNX models" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}"
WORKDIR /deployments
COPY --from=build --chown=65532:65532 /src/operator/target/quarkus-app/lib/ /deployments/lib/
COPY --from=build --chown=65532:65532 /src/operator/target/quarkus-app/app/ /deployments/app/
COPY --from=build --chown=65532:65532 /src/operator/target/quarkus-app/quarkus/ /deployments/quarkus/
COPY --from=build --chown=65532:65532 /src/operator/target/quarkus-app/quarkus-run.jar /deployments/quarkus-run.jar
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError -Djava.util.logging.manager=org.jboss.logmanager.LogManager"
USER 65532:65532
EXPOSE 8080
ENTRYPOINT ["java", "-jar", "/deployments/quarkus-run.jar"]

# ---- model-server (CPU) -----------------------------------------------------------------
# The same image runs the server and, with the argument "fetch", the init container.
FROM ${RUNTIME_IMAGE} AS model-server
ARG VERSION
ARG REVISION
LABEL org.opencontainers.image.title="modelkeeper-model-server" \
      org.opencontainers.image.description="Open Inference Protocol v2 server on ONNX Runtime (CPU)" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}"
WORKDIR /deployments
COPY --from=build --chown=65532:65532 /src/model-server/target/quarkus-app/lib/ /deployments/lib/
COPY --from=build --chown=65532:65532 /src/model-server/target/quarkus-app/app/ /deployments/app/
COPY --from=build --chown=65532:65532 /src/model-server/target/quarkus-app/quarkus/ /deployments/quarkus/
COPY --from=build --chown=65532:65532 /src/model-server/target/quarkus-app/quarkus-run.jar /deployments/quarkus-run.jar
# ONNX Runtime unpacks its native library into java.io.tmpdir; pods mount an emptyDir at /tmp.
# The heap gets 55% of the memory limit, not the usual 75%: ONNX Runtime keeps the model's
# weights, its memory arena and every tensor in native memory outside the heap.
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=55 -XX:+ExitOnOutOfMemoryError -Djava.util.logging.manager=org.jboss.logmanager.LogManager"
# ONNX Runtime 1.29 sends usage telemetry to Microsoft unless this is set, and in an image
# without a shell its device-id fallback (popen of `blkid; hostname`) crashes the JVM at the
# first OrtEnvironment (microsoft/onnxruntime#32173, fixed after 1.29.0).
ENV ORT_DISABLE_TELEMETRY=1
# Two malloc arenas instead of eight per core: request threads free large native buffers (ONNX
# Runtime's tensor copies) that per-thread arenas keep resident; HostileInputIT peaked 30-60 MiB
# lower with it.
ENV MALLOC_ARENA_MAX=2
USER 65532:65532
EXPOSE 8080
ENTRYPOINT ["java", "-jar", "/deployments/quarkus-run.jar"]

# ---- trainer: the reference trainer and evaluator of continuous training -----------------
# One runnable jar; the Job's args choose the command: ["train"] (the default) or ["evaluate"].
# Configured by the training-pod contract's environment (docs/training.md).
FROM ${RUNTIME_IMAGE} AS trainer
ARG VERSION
ARG REVISION
LABEL org.opencontainers.image.title="modelkeeper-trainer" \
      org.opencontainers.image.description="Reference trainer and evaluator: retrains ONNX models from captured rows and judges them on held-out rows" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}"
WORKDIR /deployments
COPY --from=build --chown=65532:65532 /src/trainer/target/modelkeeper-trainer.jar /deployments/modelkeeper-trainer.jar
# The training rows live on the heap; ONNX Runtime (the evaluator's scoring) needs little native
# memory for these small models. Its native library unpacks into java.io.tmpdir (/tmp).
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=70 -XX:+ExitOnOutOfMemoryError"
# ONNX Runtime 1.29 sends usage telemetry to Microsoft unless this is set, and in an image
# without a shell its device-id fallback crashes the JVM (microsoft/onnxruntime#32173).
ENV ORT_DISABLE_TELEMETRY=1
USER 65532:65532
ENTRYPOINT ["java", "-jar", "/deployments/modelkeeper-trainer.jar"]
CMD ["train"]

# ---- model-server-cuda: CUDA 12 + cuDNN 9 runtime, onnxruntime_gpu -----------------------
# Built by users with Docker and the upstream base images (see the header); our CI does not.
FROM ${JRE_IMAGE} AS jre
FROM ${CUDA_IMAGE} AS model-server-cuda
ARG VERSION
ARG REVISION
LABEL org.opencontainers.image.title="modelkeeper-model-server-cuda" \
      org.opencontainers.image.description="Open Inference Protocol v2 server on ONNX Runtime with the CUDA execution provider" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}"
ENV JAVA_HOME=/opt/java/openjdk
ENV PATH="/opt/java/openjdk/bin:${PATH}"
COPY --from=jre /opt/java/openjdk /opt/java/openjdk
WORKDIR /deployments
COPY --from=build-gpu --chown=65532:65532 /src/model-server/target/quarkus-app/lib/ /deployments/lib/
COPY --from=build-gpu --chown=65532:65532 /src/model-server/target/quarkus-app/app/ /deployments/app/
COPY --from=build-gpu --chown=65532:65532 /src/model-server/target/quarkus-app/quarkus/ /deployments/quarkus/
COPY --from=build-gpu --chown=65532:65532 /src/model-server/target/quarkus-app/quarkus-run.jar /deployments/quarkus-run.jar
# As the CPU image: ONNX Runtime (and the CUDA libraries' host buffers) live outside the heap.
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=55 -XX:+ExitOnOutOfMemoryError -Djava.util.logging.manager=org.jboss.logmanager.LogManager"
# ONNX Runtime 1.29 sends usage telemetry to Microsoft unless this is set, and in an image
# without a shell its device-id fallback (popen of `blkid; hostname`) crashes the JVM at the
# first OrtEnvironment (microsoft/onnxruntime#32173, fixed after 1.29.0).
ENV ORT_DISABLE_TELEMETRY=1
# Two malloc arenas instead of eight per core: request threads free large native buffers (ONNX
# Runtime's tensor copies) that per-thread arenas keep resident; HostileInputIT peaked 30-60 MiB
# lower with it.
ENV MALLOC_ARENA_MAX=2
USER 65532:65532
EXPOSE 8080
ENTRYPOINT ["java", "-jar", "/deployments/quarkus-run.jar"]
