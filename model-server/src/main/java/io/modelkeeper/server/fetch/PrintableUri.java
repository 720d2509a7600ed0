package io.modelkeeper.server.fetch;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * What the fetcher may print of its model URI: a URI can carry credentials (user:password@, a
 * presigned URL's signature in its query string), and what the fetcher prints ends up in the pod
 * log and its termination message, so those parts are replaced by {@code ***} wherever they occur.
 */
final class PrintableUri {

  private static final String MASK = "***";

  private PrintableUri() {}

  /** {@code text} without the userinfo, query or fragment of {@code uri}. */
  static String redact(String text, String uri) {
    if (text == null || uri == null) {
      return text;
    }
    String out = text;
    for (String secret : secretsOf(uri)) {
      out = out.replace(secret, MASK);
    }
    return out;
  }

  /** The parts of {@code uri} that may hold a credential, longest first, raw and decoded. */
  private static List<String> secretsOf(String uri) {
    List<String> secrets = new ArrayList<>();
    int scheme = uri.indexOf("://");
    if (scheme > 0) {
      int start = scheme + 3;
      int end = indexOfAny(uri, start, "/?#");
      int at = uri.lastIndexOf('@', end < 0 ? uri.length() : end);
      if (at >= start) {
        secrets.add(uri.substring(start, at));
      }
    }
    int query = indexOfAny(uri, 0, "?#");
    if (query >= 0 && query + 1 < uri.length()) {
      secrets.add(uri.substring(query + 1));
    }
    try {
      URI parsed = new URI(uri);
      add(secrets, parsed.getUserInfo());
      add(secrets, parsed.getQuery());
      add(secrets, parsed.getFragment());
    } catch (Exception ignored) {
      // Not a valid URI: the raw parts above are all there is.
    }
    secrets.removeIf(String::isEmpty);
    secrets.sort((a, b) -> b.length() - a.length());
    return secrets;
  }

  private static void add(List<String> secrets, String part) {
    if (part != null) {
      secrets.add(part);
    }
  }

  private static int indexOfAny(String text, int from, String chars) {
    for (int i = from; i < text.length(); i++) {
      if (chars.indexOf(text.charAt(i)) >= 0) {
        return i;
      }
    }
    return -1;
  }
}
