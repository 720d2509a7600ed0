package io.modelkeeper.trainer.curves;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelkeeper.trainer.support.EventRecords;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TFRecord framing against byte sequences worked out outside the code under test. */
class TfRecordTest {

  @Test
  void maskedCrcOfTheStandardCheckVector() {
    byte[] check = "123456789".getBytes(StandardCharsets.US_ASCII);
    CRC32C crc = new CRC32C();
    crc.update(check);
    // CRC-32C's published check value (RFC 3720, appendix B.4 lists the same polynomial).
    assertThat(crc.getValue()).isEqualTo(0xE3069283L);
    // Masking by hand: 0xE3069283 >>> 15 = 0x0001C60D; its low 15 bits 0x1283 << 17 = 0x25060000;
    // rotated: 0x2507C60D; + 0xA282EAD8 = 0xC78AB0E5 (mod 2^32).
    assertThat(TfRecord.maskedCrc32c(check, 0, check.length)).isEqualTo(0xC78AB0E5);
  }

  @Test
  void framesATinyRecordByteForByte() {
    // The Event {step: 1} is 10 01 (field 2 varint, value 1). Its record:
    //   02 00 00 00 00 00 00 00  length 2, uint64 little-endian
    //   78 27 0b 34              CRC32C of those 8 bytes is 0x1E5048C4, masked 0x340B2778
    //   10 01                    the data
    //   76 64 23 ad              CRC32C of 10 01 is 0x3CCF0550, masked 0xAD236476
    // (the CRCs by a bit-at-a-time CRC32C, reflected polynomial 0x82F63B78, init and final xor
    // 0xFFFFFFFF; each masked as in the test above).
    byte[] expected = {
      0x02, 0, 0, 0, 0, 0, 0, 0, 0x78, 0x27, 0x0b, 0x34, 0x10, 0x01, 0x76, 0x64, 0x23, (byte) 0xad
    };

    byte[] record = TfRecord.frame(new byte[] {0x10, 0x01});

    assertThat(record).containsExactly(expected);
  }

  @Test
  void theTestsReaderReadsWhatWasFramedAndCatchesACorruptedBit(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("records");
    byte[] records = concat(TfRecord.frame(new byte[] {0x10, 0x01}), TfRecord.frame(new byte[0]));
    Files.write(file, records);

    assertThat(EventRecords.records(file))
        .satisfiesExactly(
            first -> assertThat(first).containsExactly(0x10, 0x01),
            second -> assertThat(second).isEmpty());

    records[13] ^= 1; // a bit of the first record's data
    Files.write(file, records);
    assertThatThrownBy(() -> EventRecords.records(file))
        .hasMessageContaining("data CRC mismatch in record 0");
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] all = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }
}
