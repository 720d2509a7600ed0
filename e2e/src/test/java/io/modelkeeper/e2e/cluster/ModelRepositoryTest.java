package io.modelkeeper.e2e.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelRepositoryTest {

  @TempDir Path root;

  private final HttpClient http = HttpClient.newHttpClient();

  private HttpResponse<byte[]> get(String url) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  @Test
  void servesFilesAnswers404AndCorruptsOnRequest() throws Exception {
    byte[] model = new byte[64];
    for (int i = 0; i < model.length; i++) {
      model[i] = (byte) i;
    }
    Files.createDirectories(root.resolve("mlp"));
    Files.write(root.resolve("mlp/model.onnx"), model);
    try (ModelRepository repository = ModelRepository.start(root.resolve("mlp").getParent())) {
      assertThat(repository.url()).startsWith("http://127.0.0.1:");

      HttpResponse<byte[]> file = get(repository.url() + "/mlp/model.onnx");
      assertThat(file.statusCode()).isEqualTo(200);
      assertThat(file.body()).isEqualTo(model);

      assertThat(get(repository.url() + "/mlp/reference.json").statusCode()).isEqualTo(404);
      assertThat(get(repository.url() + "/no-such-model/model.onnx").statusCode()).isEqualTo(404);

      HttpResponse<byte[]> corrupt = get(repository.url() + "/corrupt/mlp/model.onnx");
      assertThat(corrupt.statusCode()).isEqualTo(200);
      assertThat(corrupt.body()).hasSameSizeAs(model).isNotEqualTo(model);
    }
  }

  @Test
  void staysInsideItsDirectory() throws Exception {
    Files.createDirectories(root.resolve("models"));
    Files.writeString(root.resolve("outside.txt"), "not a model");
    try (ModelRepository repository = ModelRepository.start(root.resolve("models"))) {
      HttpResponse<byte[]> escape =
          http.send(
              HttpRequest.newBuilder(URI.create(repository.url() + "/%2e%2e/outside.txt")).build(),
              HttpResponse.BodyHandlers.ofByteArray());
      assertThat(escape.statusCode()).isEqualTo(404);
    }
  }
}
