package io.modelkeeper.server.capture;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Appends labelled rows as JSON Lines under a directory, from one background thread.
 *
 * <p>Rows are written in batches (every flush interval, or sooner when a batch fills up) to {@code
 * <model>-<version>-<writer>-<start time>-<seq>.jsonl.part}; each batch is forced to disk. A file
 * that reaches the size or age bound is closed and renamed atomically to {@code .jsonl}, and is
 * never opened again. A crash therefore loses at most the rows not yet written, leaves finished
 * files untouched, and can only tear the last line of the {@code .part} file; on start, leftover
 * {@code .part} files of this writer are cut back to their last complete line and renamed to {@code
 * .jsonl}, and so are other writers' {@code .part} files that have been idle for longer than any
 * live writer keeps a file open (their pod is gone).
 */
public final class DatasetWriter implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(DatasetWriter.class);

  /** Beyond the maximum file age, how long a {@code .part} file must be idle to be abandoned. */
  static final Duration ABANDONED_AFTER_MAX_AGE = Duration.ofMinutes(10);

  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private final Path directory;
  private final String model;
  private final String version;
  private final String filePrefix;
  private final long maxFileBytes;
  private final long maxFileAgeMillis;
  private final long flushIntervalMillis;
  private final int maxBatchRows;
  private final Clock clock;
  private final DatasetLine line;
  private final BlockingQueue<Object> queue;
  private final AtomicLong written = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final Thread thread;
  private final CaptureUploader uploader;
  private final Object signal = new Object();
  private boolean wakeRequested;
  private volatile boolean closing;

  private FileChannel file;
  private Path filePath;
  private long fileBytes;
  private long fileOpenedMillis;
  private int sequence;

  /** Bounds and timing of the dataset files. */
  public record Limits(
      long maxFileBytes,
      Duration maxFileAge,
      Duration flushInterval,
      int maxBatchRows,
      int queueRows) {}

  /**
   * Starts the writer.
   *
   * @param writer names this process in file names (the pod's host name), so replicas sharing a
   *     volume never touch each other's files
   */
  public DatasetWriter(
      Path directory, String model, String version, String writer, Limits limits, Clock clock)
      throws IOException {
    this(directory, model, version, writer, limits, clock, null);
  }

  /**
   * Starts the writer, which hands each finished file to {@code uploader} (null: files stay here),
   * and closes it after the last file.
   */
  public DatasetWriter(
      Path directory,
      String model,
      String version,
      String writer,
      Limits limits,
      Clock clock,
      CaptureUploader uploader)
      throws IOException {
    this.uploader = uploader;
    this.directory = directory;
    this.model = model;
    this.version = version;
    this.filePrefix = safe(model) + "-" + safe(version) + "-" + safe(writer) + "-";
    this.maxFileBytes = limits.maxFileBytes();
    this.maxFileAgeMillis = limits.maxFileAge().toMillis();
    this.flushIntervalMillis = Math.max(1, limits.flushInterval().toMillis());
    this.maxBatchRows = limits.maxBatchRows();
    this.clock = clock;
    this.line = new DatasetLine(model, version);
    this.queue = new ArrayBlockingQueue<>(limits.queueRows());
    Files.createDirectories(directory);
    recoverLeftovers();
    this.thread = new Thread(this::run, "dataset-capture");
    thread.setDaemon(true);
    thread.start();
  }

  /** Queues a row; false (and counted as dropped) when the queue is full because disk lags. */
  public boolean append(CapturedRow row) {
    if (closing || !queue.offer(row)) {
      dropped.incrementAndGet();
      return false;
    }
    if (queue.size() >= maxBatchRows) {
      wake();
    }
    return true;
  }

  /** Waits until every row queued before this call is on disk (or the wait times out). */
  public boolean flush(Duration timeout) throws InterruptedException {
    CountDownLatch done = new CountDownLatch(1);
    if (!queue.offer(done, timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      return false;
    }
    wake();
    return done.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  public long writtenRows() {
    return written.get();
  }

  public long droppedRows() {
    return dropped.get();
  }

  /** Rows lost because a write to disk failed. */
  public long failedRows() {
    return failed.get();
  }

  public Path directory() {
    return directory;
  }

  /** Where finished files go from here, or null when they stay. */
  public CaptureUploader uploader() {
    return uploader;
  }

  /** Writes what is queued, finishes the current file and stops the writer thread. */
  @Override
  public void close() throws InterruptedException {
    closing = true;
    wake();
    thread.join(TimeUnit.SECONDS.toMillis(30));
    // A row that raced past the closing check after the last drain is counted, not lost silently.
    dropped.addAndGet(queue.stream().filter(CapturedRow.class::isInstance).count());
    if (uploader != null) {
      uploader.close();
    }
  }

  private void wake() {
    synchronized (signal) {
      wakeRequested = true;
      signal.notifyAll();
    }
  }

  /** Sleeps a flush interval (or until woken), writes what queued up, rotates when due. */
  private void run() {
    List<CapturedRow> batch = new ArrayList<>();
    List<Object> queued = new ArrayList<>();
    boolean last = false;
    while (!last) {
      synchronized (signal) {
        try {
          if (!wakeRequested && !closing) {
            signal.wait(flushIntervalMillis);
          }
        } catch (InterruptedException e) {
          closing = true;
        }
        wakeRequested = false;
      }
      last = closing;
      queue.drainTo(queued);
      for (Object item : queued) {
        if (item instanceof CapturedRow row) {
          batch.add(row);
          if (batch.size() == maxBatchRows) {
            writeBatch(batch);
          }
        } else {
          writeBatch(batch);
          ((CountDownLatch) item).countDown();
        }
      }
      queued.clear();
      writeBatch(batch);
      if (file != null && clock.millis() - fileOpenedMillis >= maxFileAgeMillis) {
        finishFile();
      }
    }
    finishFile();
  }

  /** Writes rows, starting a new file whenever the current one reaches the size bound. */
  private void writeBatch(List<CapturedRow> batch) {
    ByteArrayOutputStream lines = new ByteArrayOutputStream(8192);
    int rows = 0;
    for (CapturedRow row : batch) {
      try {
        line.write(row, lines);
      } catch (IOException | RuntimeException e) {
        failed.incrementAndGet();
        LOG.errorf("dataset capture: could not encode row %s: %s", row.id(), e.getMessage());
        continue;
      }
      rows++;
      if (fileBytes + lines.size() >= maxFileBytes) {
        writeOut(lines, rows);
        rows = 0;
      }
    }
    writeOut(lines, rows);
    batch.clear();
  }

  private void writeOut(ByteArrayOutputStream lines, int rows) {
    if (rows == 0) {
      return;
    }
    try {
      if (file == null) {
        openFile();
      }
      ByteBuffer buffer = ByteBuffer.wrap(lines.toByteArray());
      while (buffer.hasRemaining()) {
        file.write(buffer);
      }
      file.force(false);
      fileBytes += lines.size();
      written.addAndGet(rows);
    } catch (IOException e) {
      failed.addAndGet(rows);
      LOG.errorf(
          "dataset capture: could not write %d rows to %s: %s", rows, filePath, e.getMessage());
    }
    lines.reset();
    if (fileBytes >= maxFileBytes) {
      finishFile();
    }
  }

  private void openFile() throws IOException {
    long now = clock.millis();
    String stem;
    do {
      stem =
          filePrefix
              + STAMP.format(java.time.Instant.ofEpochMilli(now))
              + String.format("-%06d", sequence++);
    } while (Files.exists(directory.resolve(stem + DatasetFiles.FINISHED))
        || Files.exists(directory.resolve(stem + DatasetFiles.IN_PROGRESS)));
    filePath = directory.resolve(stem + DatasetFiles.IN_PROGRESS);
    file = FileChannel.open(filePath, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    fileBytes = 0;
    fileOpenedMillis = now;
  }

  private void finishFile() {
    if (file == null) {
      return;
    }
    try {
      file.force(true);
      file.close();
      publish(filePath);
    } catch (IOException e) {
      LOG.errorf("dataset capture: could not finish %s: %s", filePath, e.getMessage());
    }
    file = null;
  }

  /** Renames {@code x.jsonl.part} to {@code x.jsonl} atomically and makes the rename durable. */
  private void publish(Path part) throws IOException {
    String name = part.getFileName().toString();
    Path finished =
        part.resolveSibling(
            name.substring(0, name.length() - DatasetFiles.IN_PROGRESS.length())
                + DatasetFiles.FINISHED);
    try {
      Files.move(part, finished, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(part, finished);
    }
    syncDirectory();
    if (uploader != null) {
      uploader.finished(finished);
    }
  }

  private void syncDirectory() {
    try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
      dir.force(true);
    } catch (IOException e) {
      // Some file systems cannot open a directory for sync; the rename is still atomic there.
    }
  }

  /**
   * Recovers the {@code .part} files of this writer, and those of other writers that are abandoned:
   * a live writer finishes its file within the maximum file age, so a {@code .part} file untouched
   * for longer than that plus {@link #ABANDONED_AFTER_MAX_AGE} belongs to a pod that is gone (whose
   * host name may never come back). Two servers recovering the same file at once cut it to the same
   * length; the second rename finds it gone, which is fine.
   */
  private void recoverLeftovers() throws IOException {
    for (Path leftover : DatasetFiles.list(directory)) {
      String name = leftover.getFileName().toString();
      if (!name.endsWith(DatasetFiles.IN_PROGRESS)
          || !(name.startsWith(filePrefix) || abandoned(leftover))) {
        continue;
      }
      try {
        recover(leftover);
      } catch (NoSuchFileException e) {
        // another server recovered it first
      }
    }
  }

  private boolean abandoned(Path leftover) {
    try {
      long idle = clock.millis() - Files.getLastModifiedTime(leftover).toMillis();
      return idle > maxFileAgeMillis + ABANDONED_AFTER_MAX_AGE.toMillis();
    } catch (IOException e) {
      return false;
    }
  }

  private void recover(Path leftover) throws IOException {
    long keep = DatasetFiles.completePrefix(leftover);
    if (keep == 0) {
      Files.delete(leftover);
      return;
    }
    try (FileChannel channel = FileChannel.open(leftover, StandardOpenOption.WRITE)) {
      if (channel.size() > keep) {
        channel.truncate(keep);
        channel.force(true);
      }
    }
    publish(leftover);
    LOG.infof("dataset capture: recovered %s (%d bytes kept)", leftover.getFileName(), keep);
  }

  private static String safe(String part) {
    return part.replaceAll("[^A-Za-z0-9._-]", "_");
  }
}
