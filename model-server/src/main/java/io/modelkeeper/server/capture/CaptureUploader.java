package io.modelkeeper.server.capture;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Moves finished capture files ({@code *.jsonl}) from the local capture directory to a store, from
 * one background thread: each is uploaded, then deleted here. The writer announces a finished file
 * through a small bounded queue; the directory itself is the backlog, read again on every pass, so
 * a full queue, a failed upload or a restart loses nothing: the file stays until an upload
 * succeeds. After a failure the next pass waits, twice as long each time up to a maximum.
 */
public final class CaptureUploader implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(CaptureUploader.class);

  /** Announcements waiting; more than this and the next pass finds the file anyway. */
  static final int QUEUE = 64;

  /** Where a file goes; an exception is a failed upload (its message never holds a credential). */
  @FunctionalInterface
  public interface Store {
    void put(Path file) throws Exception;

    /** Lets go of the store's connections once the uploader has stopped. */
    default void close() {}
  }

  /** How long to wait after a failure (doubling up to {@code max}) and between quiet passes. */
  public record Timing(Duration firstRetry, Duration maxRetry, Duration rescan) {}

  private final Path directory;
  private final Store store;
  private final Timing timing;
  private final BlockingQueue<Path> announced = new ArrayBlockingQueue<>(QUEUE);
  private final AtomicLong uploaded = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final Thread thread;
  private volatile boolean closing;

  public CaptureUploader(Path directory, Store store, Timing timing) {
    this.directory = directory;
    this.store = store;
    this.timing = timing;
    this.thread = new Thread(this::run, "dataset-upload");
    thread.setDaemon(true);
    thread.start();
  }

  /** The writer finished {@code file}: upload it soon. Never blocks. */
  public void finished(Path file) {
    announced.offer(file);
  }

  /** Files uploaded and removed here. */
  public long uploadedFiles() {
    return uploaded.get();
  }

  /** Upload attempts that failed; the file stays for the next one. */
  public long failedUploads() {
    return failed.get();
  }

  /** Makes one last pass over what is finished (no retries), then stops. */
  @Override
  public void close() throws InterruptedException {
    closing = true;
    announced.offer(directory);
    thread.join(TimeUnit.MINUTES.toMillis(1));
    store.close();
  }

  private void run() {
    Duration retry = null;
    Duration wait = Duration.ZERO;
    while (true) {
      waitFor(wait, retry != null);
      boolean last = closing;
      announced.clear();
      if (pass()) {
        retry = null;
        wait = timing.rescan();
      } else {
        retry = retry == null ? timing.firstRetry() : min(retry.multipliedBy(2), timing.maxRetry());
        wait = retry;
      }
      if (last) {
        return;
      }
    }
  }

  /**
   * Waits {@code wait}, or until a file is announced; while retrying, only closing cuts the wait
   * short, so a failing store is not asked again at each new file.
   */
  private void waitFor(Duration wait, boolean retrying) {
    long until = System.nanoTime() + wait.toNanos();
    try {
      do {
        long left = until - System.nanoTime();
        if (left <= 0 || announced.poll(left, TimeUnit.NANOSECONDS) != null && !retrying) {
          return;
        }
      } while (!closing);
    } catch (InterruptedException e) {
      closing = true;
    }
  }

  /** Uploads every finished file, oldest name first; false at the first failure. */
  private boolean pass() {
    List<Path> files;
    try {
      files =
          DatasetFiles.list(directory).stream()
              .filter(f -> f.getFileName().toString().endsWith(DatasetFiles.FINISHED))
              .toList();
    } catch (IOException e) {
      LOG.errorf("dataset upload: cannot list %s: %s", directory, e.getMessage());
      return false;
    }
    for (Path file : files) {
      try {
        store.put(file);
      } catch (Exception e) {
        failed.incrementAndGet();
        LOG.warnf(
            "dataset upload: %s stays for the next attempt: %s",
            file.getFileName(), e.getMessage());
        return false;
      }
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        LOG.errorf("dataset upload: uploaded %s but cannot remove it: %s", file, e.getMessage());
      }
      uploaded.incrementAndGet();
    }
    return true;
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
