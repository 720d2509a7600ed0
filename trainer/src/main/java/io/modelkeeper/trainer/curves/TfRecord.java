package io.modelkeeper.trainer.curves;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * TFRecord framing, the container of TensorBoard event files: each record is its length (uint64),
 * the masked CRC32C of those 8 bytes, the data, and the masked CRC32C of the data, all
 * little-endian.
 */
public final class TfRecord {
  /** Bytes a record adds around its data: length, length's CRC, data's CRC. */
  public static final int OVERHEAD = Long.BYTES + Integer.BYTES + Integer.BYTES;

  private static final int MASK_DELTA = 0xa282ead8;

  private TfRecord() {}

  /** One whole record around {@code data}. */
  public static byte[] frame(byte[] data) {
    ByteBuffer record = ByteBuffer.allocate(OVERHEAD + data.length).order(ByteOrder.LITTLE_ENDIAN);
    record.putLong(data.length);
    record.putInt(maskedCrc32c(record.array(), 0, Long.BYTES));
    record.put(data);
    record.putInt(maskedCrc32c(data, 0, data.length));
    return record.array();
  }

  /**
   * CRC32C (Castagnoli) of the bytes, rotated right by 15 bits plus a constant: TFRecord stores
   * this "masked" form because a CRC of data that itself holds CRCs is weak.
   */
  public static int maskedCrc32c(byte[] bytes, int offset, int length) {
    CRC32C crc = new CRC32C();
    crc.update(bytes, offset, length);
    int value = (int) crc.getValue();
    return ((value >>> 15) | (value << 17)) + MASK_DELTA;
  }
}
