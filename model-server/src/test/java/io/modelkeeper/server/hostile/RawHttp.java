package io.modelkeeper.server.hostile;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * An HTTP/1.1 client on a bare socket, so that requests can lie: wrong lengths, bodies sent slowly
 * or not at all, connections dropped at any point. One connection per request.
 */
final class RawHttp {

  /** How the body is sent. */
  enum Pacing {
    /** All at once, then the answer is read. */
    AT_ONCE,
    /** In ten pieces over about a second. */
    SLOW,
    /** Half the body, then the connection is closed without reading. */
    ABANDON_MID_BODY,
    /** All of it, then the connection is closed without reading the answer. */
    ABANDON_BEFORE_ANSWER
  }

  /** An answer: status (0 when none was read), headers in lower case, body. */
  record Reply(int status, Map<String, String> headers, byte[] body) {
    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  private final String host;
  private final int port;

  RawHttp(String host, int port) {
    this.host = host;
    this.port = port;
  }

  Reply exchange(String head, byte[] body, Pacing pacing) throws IOException {
    try (Socket socket = new Socket(host, port)) {
      socket.setSoTimeout(60_000);
      OutputStream out = socket.getOutputStream();
      out.write(head.getBytes(StandardCharsets.ISO_8859_1));
      try {
        switch (pacing) {
          case AT_ONCE, ABANDON_BEFORE_ANSWER -> out.write(body);
          case SLOW -> {
            int piece = Math.max(1, body.length / 10);
            for (int offset = 0; offset < body.length; offset += piece) {
              out.write(body, offset, Math.min(piece, body.length - offset));
              out.flush();
              Thread.sleep(100);
            }
          }
          case ABANDON_MID_BODY -> {
            out.write(body, 0, body.length / 2);
            out.flush();
            return new Reply(0, Map.of(), new byte[0]);
          }
        }
        out.flush();
      } catch (IOException e) {
        // The server may answer and stop reading early (413 on Content-Length): read the answer.
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException(e);
      }
      if (pacing == Pacing.ABANDON_BEFORE_ANSWER) {
        return new Reply(0, Map.of(), new byte[0]);
      }
      return read(socket.getInputStream());
    }
  }

  private static Reply read(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int last = 0;
    try {
      // Up to the blank line that ends the headers.
      while (last != 0x0d0a0d0a) {
        int b = in.read();
        if (b < 0) {
          return new Reply(0, Map.of(), new byte[0]);
        }
        head.write(b);
        last = (last << 8) | b;
      }
    } catch (SocketTimeoutException e) {
      throw new IOException("no answer within 60 s", e);
    }
    String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    Map<String, String> headers = new TreeMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0) {
        headers.put(
            lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
            lines[i].substring(colon + 1).trim());
      }
    }
    String length = headers.get("content-length");
    byte[] body = length == null ? in.readAllBytes() : in.readNBytes(Integer.parseInt(length));
    return new Reply(status, headers, body);
  }
}
