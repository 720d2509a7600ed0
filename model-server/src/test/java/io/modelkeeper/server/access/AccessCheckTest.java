package io.modelkeeper.server.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelkeeper.server.access.AccessCheck.Kind;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AccessCheckTest {

  @TempDir Path dir;

  @ParameterizedTest
  @CsvSource({
    "/v2/health/live, HEALTH",
    "/v2/health/ready, HEALTH",
    "/v2/health/ready/, HEALTH",
    "/v2/models/m/ready, HEALTH",
    "/v2/models/m/versions/3/ready, HEALTH",
    "/v2/models/m/other/ready, INFERENCE",
    "/v2/models/ready, INFERENCE",
    "/metrics, PRIVILEGED",
    "/metrics/, PRIVILEGED",
    "/q/metrics, PRIVILEGED",
    "/q/metrics/json, PRIVILEGED",
    "/v2/models/m/feedback, PRIVILEGED",
    "/v2/models/m/versions/3/quality, PRIVILEGED",
    "/v2/models/m/reference/, PRIVILEGED",
    "/v2/models/m/infer, INFERENCE",
    "/v2/models/m, INFERENCE",
    "/v2, INFERENCE",
    "/, INFERENCE",
    "/q/dev, INFERENCE"
  })
  void pathsAreClassified(String path, Kind kind) {
    assertThat(AccessCheck.classify(path)).isEqualTo(kind);
  }

  @Test
  void theTokenIsReadWithoutItsNewlineAndComparedExactly() throws Exception {
    BearerToken token =
        BearerToken.read(Files.writeString(dir.resolve("t"), " s3cret\n"), "SETTING");
    assertThat(token.acceptsHeader("Bearer s3cret")).isTrue();
    assertThat(token.acceptsHeader("bearer s3cret")).isTrue();
    assertThat(token.acceptsHeader("Bearer  s3cret ")).isTrue();
    assertThat(token.acceptsHeader("Bearer s3cre")).isFalse();
    assertThat(token.acceptsHeader("Bearer s3cret2")).isFalse();
    assertThat(token.acceptsHeader("Basic s3cret")).isFalse();
    assertThat(token.acceptsHeader("s3cret")).isFalse();
    assertThat(token.acceptsHeader("Bearer ")).isFalse();
    assertThat(token.acceptsHeader(null)).isFalse();
  }

  @Test
  void anEmptyOrMissingTokenFileStopsTheServerWithoutShowingTheFile() throws Exception {
    Path empty = Files.writeString(dir.resolve("empty"), "\n");
    assertThatThrownBy(() -> BearerToken.read(empty, "MODELKEEPER_ADMIN_TOKEN_FILE"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("MODELKEEPER_ADMIN_TOKEN_FILE: the token file " + empty + " is empty");
    assertThatThrownBy(() -> BearerToken.read(dir.resolve("absent"), "X"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("X: cannot read the token file");
  }
}
