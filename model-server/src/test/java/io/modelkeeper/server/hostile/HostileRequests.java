package io.modelkeeper.server.hostile;

import io.modelkeeper.server.hostile.RawHttp.Pacing;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.IntFunction;

/**
 * Generates hostile requests for the sample MLP (input "input", FP32 [-1,16]), class by class, from
 * one seed: each case says what answers are acceptable.
 */
final class HostileRequests {

  static final String PATH = "/v2/models/mlp/infer";

  /** What a case may be answered with. */
  enum Expect {
    /** 200 only. */
    OK,
    /** 4xx only. */
    REFUSED,
    /** 200 or 4xx. */
    ANSWERED,
    /** Nothing is read: the caller hangs up. */
    NONE,
    /** 200, 4xx, or 503 with Retry-After. */
    OVERLOAD
  }

  record Case(String kind, String head, byte[] body, Pacing pacing, Expect expect, int rows) {}

  private final Random random;

  HostileRequests(long seed) {
    this.random = new Random(seed);
  }

  // ---- building blocks

  static String head(int contentLength, String... extraHeaders) {
    StringBuilder head = new StringBuilder("POST " + PATH + " HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    boolean typed = false;
    for (String header : extraHeaders) {
      head.append(header).append("\r\n");
      typed |= header.toLowerCase().startsWith("content-type");
    }
    if (!typed) {
      head.append("Content-Type: application/json\r\n");
    }
    if (contentLength >= 0) {
      head.append("Content-Length: ").append(contentLength).append("\r\n");
    }
    return head.append("\r\n").toString();
  }

  static Case json(String kind, String body, Expect expect, int rows) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    return new Case(kind, head(bytes.length), bytes, Pacing.AT_ONCE, expect, rows);
  }

  private String values(int count) {
    StringBuilder data = new StringBuilder("[");
    for (int i = 0; i < count; i++) {
      data.append(i == 0 ? "" : ",").append(random.nextInt(2000) / 1000.0 - 1);
    }
    return data.append("]").toString();
  }

  private String nestedValues(int rows) {
    StringBuilder data = new StringBuilder("[");
    for (int r = 0; r < rows; r++) {
      data.append(r == 0 ? "" : ",").append(values(16));
    }
    return data.append("]").toString();
  }

  static String input(String shape, String data) {
    return input("input", "FP32", shape, data);
  }

  static String input(String name, String datatype, String shape, String data) {
    return "{\"inputs\":[{\"name\":\""
        + name
        + "\",\"datatype\":\""
        + datatype
        + "\",\"shape\":"
        + shape
        + ",\"data\":"
        + data
        + "}]}";
  }

  String valid(int rows) {
    return input(
        "[" + rows + ",16]", random.nextBoolean() ? values(rows * 16) : nestedValues(rows));
  }

  static Case binary(String kind, String header, byte[] data, String headerLength, Expect expect) {
    byte[] json = header.getBytes(StandardCharsets.UTF_8);
    byte[] body = ByteBuffer.allocate(json.length + data.length).put(json).put(data).array();
    String length = headerLength != null ? headerLength : Integer.toString(json.length);
    return new Case(
        kind,
        head(
            body.length,
            "Content-Type: application/octet-stream",
            "Inference-Header-Content-Length: " + length),
        body,
        Pacing.AT_ONCE,
        expect,
        0);
  }

  static String binaryHeader(String shape, String size) {
    return "{\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":"
        + shape
        + ",\"parameters\":{\"binary_data_size\":"
        + size
        + "}}],\"outputs\":[{\"name\":\"probabilities\",\"parameters\":{\"binary_data\":true}}]}";
  }

  static byte[] floats(int count, float value) {
    ByteBuffer buffer = ByteBuffer.allocate(4 * count).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < count; i++) {
      buffer.putFloat(value);
    }
    return buffer.array();
  }

  private long logUniform(long max) {
    return Math.max(2, (long) Math.pow(10, random.nextDouble() * Math.log10(max)));
  }

  private <T> T pick(List<T> options) {
    return options.get(random.nextInt(options.size()));
  }

  private List<Case> repeat(int count, IntFunction<Case> make) {
    List<Case> cases = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      cases.add(make.apply(i));
    }
    return cases;
  }

  // ---- the classes

  List<Case> validCases(int count) {
    return repeat(
        count,
        i -> {
          int rows = 1 + random.nextInt(8);
          if (i % 3 == 0) {
            return binary(
                "valid",
                binaryHeader("[" + rows + ",16]", Integer.toString(64 * rows)),
                floats(16 * rows, random.nextFloat()),
                null,
                Expect.OK);
          }
          return json("valid", valid(rows), Expect.OK, rows);
        });
  }

  List<Case> sizeClaims(int count) {
    return repeat(
        count,
        i -> {
          long rows = logUniform(Long.MAX_VALUE / 2);
          if (i % 2 == 0) {
            // An odd number of values never fills a shape of rows of 16.
            String data = random.nextBoolean() ? "[]" : values(random.nextInt(32) * 2 + 1);
            return json("size claims", input("[" + rows + ",16]", data), Expect.REFUSED, 0);
          }
          String size = pick(List.of("0", "64", Long.toString(rows * 64), "2147483647"));
          return binary(
              "size claims",
              binaryHeader("[" + rows + ",16]", size),
              new byte[random.nextInt(2) * 64],
              null,
              Expect.REFUSED);
        });
  }

  List<Case> shapes(int count) {
    List<String> dims =
        List.of(
            "-1",
            "0",
            "-9223372036854775808",
            "1.5",
            "\"1\"",
            "null",
            "[]",
            "{}",
            "true",
            "99999999999999999999999",
            "1e3",
            "-0",
            "16.0");
    return repeat(
        count,
        i ->
            switch (i % 4) {
              case 0 ->
                  json(
                      "negative and odd dims",
                      input("[" + pick(dims) + ",16]", values(16)),
                      Expect.REFUSED,
                      0);
              case 1 ->
                  json(
                      "negative and odd dims",
                      input("[1," + pick(dims) + "]", values(16)),
                      Expect.REFUSED,
                      0);
              case 2 ->
                  json(
                      "huge shapes",
                      input("[" + "1,".repeat(1 + random.nextInt(5000)) + "16]", values(16)),
                      Expect.REFUSED,
                      0);
              default ->
                  json(
                      "huge shapes",
                      input(
                          pick(List.of("16", "\"[1,16]\"", "{}", "null", "[]", "[[1],[16]]")),
                          values(16)),
                      Expect.REFUSED,
                      0);
            });
  }

  List<Case> nesting(int count) {
    return repeat(
        count,
        i -> {
          int depth = 20 + random.nextInt(i % 10 == 0 ? 100_000 : 2_000);
          String open = random.nextBoolean() ? "[" : "{\"a\":";
          String close = open.equals("[") ? "]" : "}";
          String deep = open.repeat(depth) + "1" + close.repeat(depth);
          String body =
              switch (i % 4) {
                case 0 -> input("[1,16]", "[" + deep + "]");
                case 1 -> "{\"parameters\":{\"p\":" + deep + "}," + valid(1).substring(1);
                case 2 -> "{\"junk\":" + deep + "," + valid(1).substring(1);
                default -> "{\"outputs\":" + deep + "," + valid(1).substring(1);
              };
          // Nesting in data or outputs is refused; in parameters or an ignored field it is fine
          // while shallow enough.
          Expect expect = i % 4 == 0 || i % 4 == 3 ? Expect.REFUSED : Expect.ANSWERED;
          return json("nesting", body, expect, 1);
        });
  }

  List<Case> ids(int count) {
    return repeat(
        count,
        i -> {
          String id;
          Expect expect;
          if (i % 5 == 4) {
            id = pick(List.of("7", "{}", "[]", "true", "1e9", "[\"a\"]"));
            expect = Expect.REFUSED;
          } else {
            int length = random.nextInt(i % 5 == 0 ? 200_000 : 600);
            String unit = pick(List.of("x", "é", "\\u0000", "\\\"", "😀"));
            id = "\"" + unit.repeat(length) + "\"";
            int chars = length * (unit.equals("😀") ? 2 : 1);
            expect = chars <= 256 ? Expect.OK : Expect.REFUSED;
          }
          return json("ids", "{\"id\":" + id + "," + valid(1).substring(1), expect, 1);
        });
  }

  List<Case> strings(int count) {
    return repeat(
        count,
        i -> {
          String big = "s".repeat(1_000 + random.nextInt(300_000));
          String body =
              switch (i % 4) {
                case 0 -> input(big, "FP32", "[1,16]", values(16));
                case 1 -> input("input", big, "[1,16]", values(16));
                case 2 -> "{\"parameters\":{\"note\":\"" + big + "\"}," + valid(1).substring(1);
                default -> "{\"" + big + "\":1," + valid(1).substring(1);
              };
          // Strings are capped at 64 Ki chars, field names at 1 Ki, parameters at 64 KiB of JSON.
          int length = big.length();
          Expect expect =
              i % 4 == 3
                  ? (length <= 1024 ? Expect.OK : Expect.REFUSED)
                  : i % 4 == 2
                      ? (length <= 60_000
                          ? Expect.OK
                          : length > 65_536 ? Expect.REFUSED : Expect.ANSWERED)
                      : (length <= 65_536 ? Expect.REFUSED : Expect.REFUSED);
          return json("strings", body, expect, 1);
        });
  }

  List<Case> numbers(int count) {
    List<String> odd =
        List.of(
            "1" + "0".repeat(70),
            "1e400",
            "-1e400",
            "1e-400",
            "-0",
            "0." + "1".repeat(80),
            "123456789012345678901234567890",
            "1E+2",
            "0x10",
            "01",
            ".5",
            "+1",
            "1.",
            "--1");
    return repeat(
        count,
        i -> {
          String data = values(15);
          data = data.substring(0, data.length() - 1) + "," + pick(odd) + "]";
          return json("numbers", input("[1,16]", data), Expect.ANSWERED, 1);
        });
  }

  List<Case> datatypes(int count) {
    List<String> types =
        List.of("FP64", "INT32", "INT64", "BOOL", "BYTES", "FP16", "fp32", "", "UINT8", "STRING");
    List<String> values = List.of("\"a\"", "true", "null", "{}", "[]", "\"1.0\"", "[1]");
    return repeat(
        count,
        i -> {
          if (i % 2 == 0) {
            return json(
                "mismatched datatypes",
                input("input", pick(types), "[1,16]", values(16)),
                Expect.REFUSED,
                0);
          }
          String data = values(15);
          String odd = pick(values);
          data = data.substring(0, data.length() - 1) + "," + odd + "]";
          // A nested [1] in the last place still makes 16 values.
          Expect expect = odd.equals("[1]") ? Expect.OK : Expect.REFUSED;
          return json("mismatched datatypes", input("[1,16]", data), expect, 1);
        });
  }

  List<Case> nanAndInfinity(int count) {
    List<String> specials = List.of("NaN", "Infinity", "-Infinity", "+Infinity", "+NaN", "-NaN");
    List<Float> floats = List.of(Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY);
    return repeat(
        count,
        i -> {
          if (i % 2 == 0) {
            String data = values(15);
            data = data.substring(0, data.length() - 1) + "," + pick(specials) + "]";
            return json("NaN and infinity", input("[1,16]", data), Expect.REFUSED, 0);
          }
          byte[] data = floats(16, 0.5f);
          ByteBuffer.wrap(data)
              .order(ByteOrder.LITTLE_ENDIAN)
              .putFloat(4 * random.nextInt(16), pick(floats));
          return binary(
              "NaN and infinity", binaryHeader("[1,16]", "64"), data, null, Expect.REFUSED);
        });
  }

  List<Case> binaryHeaders(int count) {
    List<String> lengths =
        List.of(
            "-1", "abc", "", "2147483648", "99999999999999999999", "0", "1", "+5", " 12 ", "1e3");
    List<String> sizes =
        List.of(
            "-64",
            "63",
            "65",
            "\"64\"",
            "64.5",
            "null",
            "true",
            "2147483648",
            "9223372036854775807");
    return repeat(
        count,
        i ->
            switch (i % 4) {
              case 0 ->
                  binary(
                      "binary headers",
                      binaryHeader("[1,16]", "64"),
                      floats(16, 0.25f),
                      pick(lengths),
                      Expect.REFUSED);
              case 1 ->
                  binary(
                      "binary headers",
                      binaryHeader("[1,16]", pick(sizes)),
                      floats(16, 0.25f),
                      null,
                      Expect.REFUSED);
              case 2 ->
                  binary(
                      "binary headers",
                      binaryHeader("[1,16]", "64"),
                      floats(16 + 1 + random.nextInt(64), 0.25f),
                      null,
                      Expect.REFUSED);
              default ->
                  json(
                      "binary headers",
                      binaryHeader("[1,16]", "64").replace("}}]", "}, \"data\": []}]"),
                      Expect.REFUSED,
                      0);
            });
  }

  List<Case> malformed(int count) {
    return repeat(
        count,
        i -> {
          byte[] valid = valid(1 + random.nextInt(4)).getBytes(StandardCharsets.UTF_8);
          byte[] body;
          Expect expect = Expect.REFUSED;
          switch (i % 5) {
            case 0 -> body = java.util.Arrays.copyOf(valid, random.nextInt(valid.length));
            case 1 -> {
              body = new byte[random.nextInt(2000)];
              random.nextBytes(body);
            }
            case 2 -> {
              body = valid.clone();
              for (int flips = 1 + random.nextInt(4); flips > 0; flips--) {
                body[random.nextInt(body.length)] = (byte) random.nextInt(256);
              }
              expect = Expect.ANSWERED;
            }
            case 3 ->
                body =
                    pick(List.of(
                            "",
                            "null",
                            "[]",
                            "1",
                            "\"x\"",
                            "{}",
                            "{\"inputs\":null}",
                            "{\"inputs\":{}}",
                            "{\"inputs\":[1]}",
                            "{\"inputs\":[]}",
                            "{\"inputs\":[{}]}",
                            valid(1) + "{}",
                            "{\"outputs\":7," + valid(1).substring(1)))
                        .getBytes(StandardCharsets.UTF_8);
            default -> {
              String type =
                  pick(List.of("text/plain", "application/xml", "multipart/form-data; boundary=x"));
              return new Case(
                  "malformed",
                  head(valid.length, "Content-Type: " + type),
                  valid,
                  Pacing.AT_ONCE,
                  Expect.REFUSED,
                  0);
            }
          }
          // Trailing content after a complete object is ignored, like the tree reader did.
          if (new String(body, StandardCharsets.UTF_8).endsWith("}{}")) {
            expect = Expect.ANSWERED;
          }
          return new Case("malformed", head(body.length), body, Pacing.AT_ONCE, expect, 0);
        });
  }

  List<Case> contentLengths(int count) {
    return repeat(
        count,
        i -> {
          byte[] body = valid(1).getBytes(StandardCharsets.UTF_8);
          return switch (i % 3) {
            case 0 ->
                new Case(
                    "size claims",
                    head(
                        (int)
                            Math.min(
                                Integer.MAX_VALUE, logUniform(Integer.MAX_VALUE) + 40_000_000L)),
                    body,
                    Pacing.AT_ONCE,
                    Expect.REFUSED,
                    0);
            case 1 ->
                new Case(
                    "size claims",
                    head(
                        -1,
                        "Content-Length: "
                            + pick(List.of("99999999999999999999", "-5", "abc", "1e9"))),
                    body,
                    Pacing.AT_ONCE,
                    Expect.REFUSED,
                    0);
            default ->
                new Case(
                    "size claims",
                    head(random.nextInt(body.length)),
                    body,
                    Pacing.AT_ONCE,
                    Expect.REFUSED,
                    0);
          };
        });
  }

  List<Case> slowBodies(int count) {
    return repeat(
        count,
        i -> {
          Case inner = i % 2 == 0 ? json("slow", valid(2), Expect.OK, 2) : pick(sizeClaims(1));
          return new Case(
              "slow bodies", inner.head(), inner.body(), Pacing.SLOW, inner.expect(), inner.rows());
        });
  }

  List<Case> abandoned(int count) {
    return repeat(
        count,
        i -> {
          Case inner = i % 2 == 0 ? json("x", valid(4), Expect.OK, 4) : pick(shapes(1));
          Pacing pacing = i % 4 < 2 ? Pacing.ABANDON_MID_BODY : Pacing.ABANDON_BEFORE_ANSWER;
          return new Case("abandoned bodies", inner.head(), inner.body(), pacing, Expect.NONE, 0);
        });
  }

  /** Large bodies, one at a time: a bulk request that fits and ones over each limit. */
  List<Case> bulk(int count) {
    return repeat(
        count,
        i ->
            switch (i % 3) {
              case 0 ->
                  binary(
                      "bulk",
                      binaryHeader("[65536,16]", Integer.toString(65536 * 64)),
                      floats(65536 * 16, 0.1f),
                      null,
                      Expect.OK);
              case 1 ->
                  json(
                      "bulk",
                      input("[300000,16]", "[" + "0,".repeat(300_000 * 16 - 1) + "0]"),
                      Expect.REFUSED,
                      0);
              default ->
                  binary(
                      "bulk",
                      binaryHeader("[65536,16]", Integer.toString(65536 * 64)),
                      new byte[33 << 20],
                      null,
                      Expect.REFUSED);
            });
  }

  /** Bulk requests meant to be sent at once from many threads, past the in-flight byte budget. */
  List<Case> overload(int count) {
    return repeat(
        count,
        i ->
            i % 4 == 0
                ? json("overload", valid(1), Expect.OVERLOAD, 1)
                : binary(
                    "overload",
                    binaryHeader("[65536,16]", Integer.toString(65536 * 64)),
                    floats(65536 * 16, 0.2f),
                    null,
                    Expect.OVERLOAD));
  }
}
