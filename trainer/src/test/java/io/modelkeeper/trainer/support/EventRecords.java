package io.modelkeeper.trainer.support;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnknownFieldSet;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.zip.CRC32C;

/**
 * Reads a TensorBoard event file without the trainer's code: its own TFRecord reader that checks
 * both CRCs of every record, and the Event protos parsed by field number with protobuf-java's
 * {@link UnknownFieldSet}, by TensorBoard's numbers (event.proto: wall_time 1 double, step 2 int64,
 * file_version 3 string, summary 5; summary.proto: value 1; Value: tag 1, simple_value 2 float).
 */
public final class EventRecords {

  /** One event as TensorBoard would see it. */
  public record ReadEvent(
      double wallTime, long step, Optional<String> fileVersion, Map<String, Float> scalars) {}

  private EventRecords() {}

  /** Every record's data, in order; fails on a wrong CRC or a torn record. */
  public static List<byte[]> records(Path file) throws IOException {
    ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
    List<byte[]> records = new ArrayList<>();
    while (bytes.hasRemaining()) {
      if (bytes.remaining() < 12) {
        throw new IOException("torn record header at byte " + bytes.position());
      }
      byte[] header = new byte[8];
      bytes.get(header);
      int headerCrc = bytes.getInt();
      if (headerCrc != masked(header)) {
        throw new IOException("length CRC mismatch at byte " + (bytes.position() - 12));
      }
      long length = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN).getLong();
      if (length < 0 || length > bytes.remaining() - 4) {
        throw new IOException("record of " + length + " bytes runs past the end");
      }
      byte[] data = new byte[(int) length];
      bytes.get(data);
      if (bytes.getInt() != masked(data)) {
        throw new IOException("data CRC mismatch in record " + records.size());
      }
      records.add(data);
    }
    return records;
  }

  /** Every event of the file. */
  public static List<ReadEvent> events(Path file) throws IOException {
    List<ReadEvent> events = new ArrayList<>();
    for (byte[] record : records(file)) {
      events.add(event(record));
    }
    return events;
  }

  /** One Event; fails on a field the trainer is not meant to write, or one of the wrong type. */
  public static ReadEvent event(byte[] bytes) throws InvalidProtocolBufferException {
    UnknownFieldSet event = UnknownFieldSet.parseFrom(bytes);
    only(event, Set.of(1, 2, 3, 5));
    UnknownFieldSet.Field wallTime = event.getField(1);
    UnknownFieldSet.Field step = event.getField(2);
    only(wallTime, "fixed64", wallTime.getFixed64List().size());
    only(step, "varint", step.getVarintList().size());
    double seconds =
        wallTime.getFixed64List().isEmpty()
            ? 0
            : Double.longBitsToDouble(wallTime.getFixed64List().get(0));
    long stepValue = step.getVarintList().isEmpty() ? 0 : step.getVarintList().get(0);
    Optional<String> fileVersion =
        event.getField(3).getLengthDelimitedList().stream()
            .findFirst()
            .map(ByteString::toStringUtf8);
    Map<String, Float> scalars = new LinkedHashMap<>();
    for (ByteString summaryBytes : event.getField(5).getLengthDelimitedList()) {
      UnknownFieldSet summary = UnknownFieldSet.parseFrom(summaryBytes);
      only(summary, Set.of(1));
      for (ByteString valueBytes : summary.getField(1).getLengthDelimitedList()) {
        UnknownFieldSet value = UnknownFieldSet.parseFrom(valueBytes);
        only(value, Set.of(1, 2));
        String tag = value.getField(1).getLengthDelimitedList().get(0).toStringUtf8();
        List<Integer> simple = value.getField(2).getFixed32List();
        only(value.getField(2), "fixed32", simple.size());
        scalars.put(tag, Float.intBitsToFloat(simple.get(0)));
      }
    }
    return new ReadEvent(seconds, stepValue, fileVersion, scalars);
  }

  /** TFRecord's masked CRC32C: rotated right by 15 bits, plus 0xa282ead8. */
  public static int masked(byte[] data) {
    CRC32C crc = new CRC32C();
    crc.update(data);
    int value = (int) crc.getValue();
    return Integer.rotateRight(value, 15) + 0xa282ead8;
  }

  private static void only(UnknownFieldSet message, Set<Integer> numbers)
      throws InvalidProtocolBufferException {
    for (int number : message.asMap().keySet()) {
      if (!numbers.contains(number)) {
        throw new InvalidProtocolBufferException("unexpected field " + number + " in " + message);
      }
    }
  }

  /** A field present must be of the one wire type expected, once. */
  private static void only(UnknownFieldSet.Field field, String type, int ofThatType)
      throws InvalidProtocolBufferException {
    int all =
        field.getVarintList().size()
            + field.getFixed32List().size()
            + field.getFixed64List().size()
            + field.getLengthDelimitedList().size()
            + field.getGroupList().size();
    if (all != ofThatType || all > 1) {
      throw new InvalidProtocolBufferException("expected one " + type + " value, got " + field);
    }
  }
}
