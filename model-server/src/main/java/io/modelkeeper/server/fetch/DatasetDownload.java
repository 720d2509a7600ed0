package io.modelkeeper.server.fetch;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Copies the finished capture files of one ModelDeployment from its prefix of spec.dataset.uri into
 * a directory, as the claim would hold them: the {@code *.jsonl} objects directly under the prefix,
 * left out when last written longer ago than the dataset's maxAge. Everything is streamed to disk;
 * a single object over its cap, or all of them together over the dataset's, fails before the first
 * byte is downloaded.
 */
final class DatasetDownload {

  /** Names that are a capture file and nothing else: no path, no hidden file. */
  private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]*\\.jsonl");

  /** More names than this under one prefix is not a dataset, and would fill the memory. */
  static final int MAX_OBJECTS = 200_000;

  private static final String PARTIAL = ".download";

  /** What was downloaded and what was left out. */
  record Result(int files, long bytes, int tooOld, int notCaptureFiles) {}

  /** The caps: all objects together, and each one. */
  record Caps(long maxBytes, long maxObjectBytes) {}

  private final S3Store store;
  private final Caps caps;
  private final Optional<Duration> maxAge;
  private final Clock clock;

  DatasetDownload(S3Store store, Caps caps, Optional<Duration> maxAge, Clock clock) {
    this.store = store;
    this.caps = caps;
    this.maxAge = maxAge;
    this.clock = clock;
  }

  /**
   * Downloads the objects under {@code prefix} (s3://bucket/key-prefix/) into {@code directory}.
   *
   * @param deadline System.nanoTime() by which the whole download must be over
   */
  Result download(URI prefix, Path directory, long deadline) throws FetchException {
    String bucket = prefix.getHost();
    String keyPrefix = prefix.getPath() == null ? "" : prefix.getPath().replaceFirst("^/", "");
    if (bucket == null || !prefix.toString().endsWith("/")) {
      throw new FetchException(
          "spec.dataset.uri: '" + prefix + "' must be s3://<bucket>/<prefix>/ ending with '/'");
    }
    Instant oldest = maxAge.map(age -> clock.instant().minus(age)).orElse(Instant.MIN);
    List<S3Store.Listed> wanted = new ArrayList<>();
    int tooOld = 0;
    int others = 0;
    long total = 0;
    for (S3Store.Listed object : store.list(bucket, keyPrefix, MAX_OBJECTS)) {
      String name = object.key().substring(keyPrefix.length());
      if (!FILE_NAME.matcher(name).matches()) {
        others++;
        continue;
      }
      if (object.lastModified() != null && object.lastModified().isBefore(oldest)) {
        tooOld++;
        continue;
      }
      if (object.size() > caps.maxObjectBytes()) {
        throw new FetchException(
            uri(bucket, object.key())
                + " is "
                + object.size()
                + " bytes, more than the "
                + caps.maxObjectBytes()
                + " a capture file may be: it is not one; remove it from under spec.dataset.uri");
      }
      total += object.size();
      wanted.add(object);
    }
    if (total > caps.maxBytes()) {
      throw new FetchException(
          "the dataset under "
              + prefix
              + " is "
              + total
              + " bytes in "
              + wanted.size()
              + " files no older than spec.dataset.maxAge, more than spec.dataset.maxDownloadSize ("
              + caps.maxBytes()
              + " bytes): raise it or shorten spec.dataset.maxAge");
    }
    try {
      Files.createDirectories(directory);
    } catch (IOException e) {
      throw new FetchException("cannot create " + directory + ": " + e.getMessage(), e);
    }
    long bytes = 0;
    for (S3Store.Listed object : wanted) {
      bytes += copy(bucket, object, directory, caps.maxBytes() - bytes, deadline);
    }
    return new Result(wanted.size(), bytes, tooOld, others);
  }

  /** Streams one object to {@code <name>.download}, then renames it to its name. */
  private long copy(String bucket, S3Store.Listed object, Path directory, long room, long deadline)
      throws FetchException {
    URI uri = uri(bucket, object.key());
    String name = object.key().substring(object.key().lastIndexOf('/') + 1);
    Path partial = directory.resolve(name + PARTIAL);
    long limit = Math.min(room, caps.maxObjectBytes());
    long copied = 0;
    try (InputStream in = store.open(uri, true, limit, deadline).orElseThrow();
        OutputStream out = Files.newOutputStream(partial)) {
      byte[] buffer = new byte[64 * 1024];
      for (int read = in.read(buffer); read != -1; read = in.read(buffer)) {
        copied += read;
        if (copied > limit) {
          throw new FetchException(
              uri
                  + " grew past "
                  + limit
                  + " bytes while downloading (spec.dataset.maxDownloadSize)");
        }
        out.write(buffer, 0, read);
      }
    } catch (IOException e) {
      throw new FetchException("cannot download " + uri + ": " + e.getMessage(), e);
    }
    try {
      Files.move(partial, directory.resolve(name), StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new FetchException(
          "cannot write " + directory.resolve(name) + ": " + e.getMessage(), e);
    }
    return copied;
  }

  private static URI uri(String bucket, String key) {
    try {
      return new URI("s3", bucket, "/" + key, null);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("an S3 key always makes a URI path: " + key, e);
    }
  }
}
