package io.modelkeeper.server.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelkeeper.server.support.Http;
import io.modelkeeper.server.support.Profiles;
import io.modelkeeper.server.support.ServedModelTest;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * With an admin port and both tokens: inference and metadata only on the main port and only with
 * the inference token; feedback, quality, reference and metrics only on the admin port and only
 * with the admin token; health always open.
 */
@QuarkusTest
@TestProfile(AdminPortTest.AdminPortAndTokens.class)
class AdminPortTest extends ServedModelTest {

  static final String INFERENCE_TOKEN = "inference-secret-1";
  static final String ADMIN_TOKEN = "admin-secret-2";
  static final int ADMIN_PORT = freePort();
  static final String INFER_BODY =
      "{\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[1,16],"
          + "\"data\":[0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0]}]}";

  /**
   * The MLP profile with MODELKEEPER_ADMIN_PORT and both token files (with a newline at the end).
   */
  public static class AdminPortAndTokens implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      Map<String, String> config = new HashMap<>(new Profiles.Mlp().getConfigOverrides());
      config.put("modelkeeper.admin-port", Integer.toString(ADMIN_PORT));
      config.put("modelkeeper.admin-token-file", tokenFile(ADMIN_TOKEN + "\n").toString());
      config.put("modelkeeper.inference-token-file", tokenFile(INFERENCE_TOKEN + "\n").toString());
      return config;
    }
  }

  static Path tokenFile(String content) {
    try {
      Path file = Files.createTempFile("modelkeeper-token", "");
      file.toFile().deleteOnExit();
      return Files.writeString(file, content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Map<String, String> bearer(String token) {
    return Map.of("Authorization", "Bearer " + token, "Content-Type", "application/json");
  }

  private Http admin() {
    return new Http("http://127.0.0.1:" + ADMIN_PORT);
  }

  @Test
  void healthNeedsNoToken() {
    assertThat(http.get("/v2/health/live").status()).isEqualTo(200);
    assertThat(http.get("/v2/health/ready").status()).isEqualTo(200);
    assertThat(http.get("/v2/models/mlp/ready").status()).isEqualTo(200);
    assertThat(http.get("/v2/models/mlp/versions/3/ready").status()).isEqualTo(200);
  }

  @Test
  void inferenceAndMetadataNeedTheInferenceToken() {
    Http.Reply missing = http.postJson("/v2/models/mlp/infer", INFER_BODY);
    assertThat(missing.status()).isEqualTo(401);
    assertThat(missing.header("WWW-Authenticate")).startsWith("Bearer");
    assertThat(missing.header("Content-Type")).isEqualTo("application/json");
    assertThat(missing.json().get("error").asText()).isEqualTo("missing or wrong bearer token");

    assertThat(http.post("/v2/models/mlp/infer", bytes(), bearer(ADMIN_TOKEN)).status())
        .isEqualTo(401);
    assertThat(http.post("/v2/models/mlp/infer", bytes(), bearer(INFERENCE_TOKEN + "x")).status())
        .isEqualTo(401);
    assertThat(http.get("/v2/models/mlp").status()).isEqualTo(401);
    assertThat(http.get("/v2").status()).isEqualTo(401);

    Http.Reply ok = http.post("/v2/models/mlp/infer", bytes(), bearer(INFERENCE_TOKEN));
    assertThat(ok.status()).isEqualTo(200);
    assertThat(ok.json().get("id").asText())
        .matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  }

  @Test
  void privilegedEndpointsAreNotOnTheMainPortEvenWithTheToken() {
    for (String path :
        new String[] {
          "/metrics",
          "/metrics/",
          "/q/metrics",
          "/v2/models/mlp/quality",
          "/v2/models/mlp/versions/3/reference",
          "/v2/models/mlp/../mlp/quality",
          "/v2/models/mlp/%2e%2e/mlp/quality"
        }) {
      assertThat(http.get(path).status()).as(path).isEqualTo(404);
    }
    Http.Reply feedback =
        http.post(
            "/v2/models/mlp/feedback",
            "{\"id\":\"x\",\"label\":1}".getBytes(),
            bearer(ADMIN_TOKEN));
    assertThat(feedback.status()).isEqualTo(404);
    assertThat(feedback.json().get("error").asText()).isEqualTo("not found on this port");
  }

  @Test
  void theAdminPortServesThePrivilegedEndpointsWithTheAdminToken() {
    assertThat(admin().get("/metrics").status()).isEqualTo(401);
    assertThat(admin().get("/metrics").header("WWW-Authenticate")).startsWith("Bearer");
    Http.Reply withInferenceToken =
        admin().get("/metrics", Map.of("Authorization", "Bearer " + INFERENCE_TOKEN));
    assertThat(withInferenceToken.status()).isEqualTo(401);

    Http.Reply metrics = admin().get("/metrics", Map.of("Authorization", "bearer " + ADMIN_TOKEN));
    assertThat(metrics.status()).isEqualTo(200);
    assertThat(metrics.text()).contains("modelkeeper_requests_total");

    // Routed to the quality endpoints (which say monitoring is off), not the admin port's 404.
    Http.Reply quality =
        admin().get("/v2/models/mlp/quality", Map.of("Authorization", "Bearer " + ADMIN_TOKEN));
    assertThat(quality.json().get("error").asText()).isNotEqualTo("not found");
    Http.Reply feedback =
        admin()
            .post(
                "/v2/models/mlp/feedback",
                "{\"id\":\"x\",\"label\":1}".getBytes(),
                bearer(ADMIN_TOKEN));
    assertThat(feedback.json().get("error").asText()).isNotEqualTo("not found");
  }

  @Test
  void inferenceAndHealthAreNotOnTheAdminPort() {
    assertThat(admin().post("/v2/models/mlp/infer", bytes(), bearer(ADMIN_TOKEN)).status())
        .isEqualTo(404);
    assertThat(
            admin()
                .get("/v2/health/ready", Map.of("Authorization", "Bearer " + ADMIN_TOKEN))
                .status())
        .isEqualTo(404);
  }

  private static byte[] bytes() {
    return INFER_BODY.getBytes();
  }
}
