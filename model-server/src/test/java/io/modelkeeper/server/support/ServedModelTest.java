package io.modelkeeper.server.support;

import io.quarkus.test.common.http.TestHTTPResource;
import java.net.URL;
import org.junit.jupiter.api.BeforeEach;

/** Base of the Quarkus tests that need the model loaded: connects and waits for readiness. */
public abstract class ServedModelTest {

  @TestHTTPResource("/")
  protected URL url;

  protected Http http;

  @BeforeEach
  void connectWhenReady() {
    http = new Http(url.toString());
    http.awaitReady();
  }
}
