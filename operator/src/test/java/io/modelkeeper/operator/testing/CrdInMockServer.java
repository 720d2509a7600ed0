package io.modelkeeper.operator.testing;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.modelkeeper.operator.crd.GeneratedCrd;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.function.Consumer;

/** Installs the committed CRDs in the mock API server before the operator starts, as users do. */
public class CrdInMockServer implements Consumer<KubernetesServer> {

  @Override
  public void accept(KubernetesServer server) {
    try (KubernetesClient client = TestCluster.testClient(server.getClient())) {
      for (Class<? extends HasMetadata> type : GeneratedCrd.TYPES) {
        try (InputStream crd = Files.newInputStream(GeneratedCrd.committedPath(type))) {
          client.apiextensions().v1().customResourceDefinitions().load(crd).create();
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
