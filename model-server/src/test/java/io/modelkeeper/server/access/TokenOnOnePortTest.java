package io.modelkeeper.server.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelkeeper.server.support.Http;
import io.modelkeeper.server.support.Profiles;
import io.modelkeeper.server.support.ServedModelTest;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Without an admin port, an admin token alone guards the privileged endpoints on the main port (the
 * Quarkus /q/metrics too) and leaves inference open.
 */
@QuarkusTest
@TestProfile(TokenOnOnePortTest.AdminTokenOnly.class)
class TokenOnOnePortTest extends ServedModelTest {

  /** The MLP profile with MODELKEEPER_ADMIN_TOKEN_FILE only. */
  public static class AdminTokenOnly implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      Map<String, String> config = new HashMap<>(new Profiles.Mlp().getConfigOverrides());
      config.put("modelkeeper.admin-token-file", AdminPortTest.tokenFile("only-admin").toString());
      return config;
    }
  }

  @Test
  void privilegedPathsNeedTheAdminTokenAndInferenceDoesNot() {
    for (String path : new String[] {"/metrics", "/q/metrics", "/v2/models/mlp/quality"}) {
      Http.Reply reply = http.get(path);
      assertThat(reply.status()).as(path).isEqualTo(401);
      assertThat(reply.header("WWW-Authenticate")).as(path).startsWith("Bearer");
    }
    assertThat(http.get("/metrics", Map.of("Authorization", "Bearer only-admin")).text())
        .contains("modelkeeper_requests_total");
    assertThat(http.postJson("/v2/models/mlp/infer", AdminPortTest.INFER_BODY).status())
        .isEqualTo(200);
    assertThat(http.get("/v2/models/mlp").status()).isEqualTo(200);
  }
}
