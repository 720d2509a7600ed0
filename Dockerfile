# syntax=docker/dockerfile:1.7
#
# ModelKeeper images. Build one target at a time:
#   docker build --target operator          -t ghcr.io/modelkeeper/operator:0.1.0 .
#   docker build --target model-server      -t ghcr.io/modelkeeper/model-server:0.1.0 .
#   docker build --target model-server-cuda -t ghcr.io/modelkeeper/model-server:0.1.0-cuda .
#
# Runtime images have no shell and run as a non-root user. The JVM heap follows the
# container's memory limit (MaxRAMPercentage); JAVA_TOOL_OPTIONS overrides it without a shell.

ARG JDK_IMAGE=eclipse-temurin:17-jdk
ARG JRE_IMAGE=eclipse-temurin:17-jre
ARG RUNTIME_IMAGE=gcr.io/distroless/java17-debian12:nonroot
ARG CUDA_IMAGE=nvidia/cuda:12.8.1-cudnn-runtime-ubuntu24.04
ARG VERSION=0.1.0-SNAPSHOT
ARG REVISION=unknown

# ---- build: the CPU jars of the operator and the model server ---------------------------
FROM ${JDK_IMAGE} AS build
WORKDIR /src
COPY .mvn/ .mvn/
COPY mvnw pom.xml ./
COPY model-server/pom.xml model-server/
COPY operator/pom.xml operator/
RUN ./mvnw -B -q -pl model-server,operator -am dependency:go-offline || true
COPY model-server/ model-server/
COPY operator/ operator/
RUN ./mvnw -B -q -pl model-server,operator -am -DskipTests package

# ---- build-gpu: the model server linked against onnxruntime_gpu -------------------------
FROM build AS build-gpu
RUN ./mvnw -B -q -pl model-server -am -Pgpu -DskipTests package

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
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError -Djava.util.logging.manager=org.jboss.logmanager.LogManager"
USER 65532:65532
EXPOSE 8080
ENTRYPOINT ["java", "-jar", "/deployments/quarkus-run.jar"]

# ---- model-server-cuda: CUDA 12 + cuDNN 9 runtime, onnxruntime_gpu -----------------------
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
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError -Djava.util.logging.manager=org.jboss.logmanager.LogManager"
USER 65532:65532
EXPOSE 8080
ENTRYPOINT ["java", "-jar", "/deployments/quarkus-run.jar"]
