package io.modelkeeper.operator.workload;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What of a model URI may be printed: a URI can carry credentials (user:password@, a presigned
 * URL's signature in its query string), so logs, conditions and Events show it without userinfo,
 * query or fragment.
 */
public final class Redaction {

  private static final Pattern URL = Pattern.compile("[a-zA-Z][a-zA-Z0-9+.-]*://[^\\s'\"<>()]+");
  private static final Pattern USERINFO = Pattern.compile("^([a-zA-Z][a-zA-Z0-9+.-]*://)[^/@]*@");

  private Redaction() {}

  /** The URI without userinfo, query or fragment; what was cut is marked. */
  public static String uri(String uri) {
    if (uri == null) {
      return null;
    }
    String redacted = USERINFO.matcher(uri).replaceFirst("$1***@");
    int cut = indexOfAny(redacted, '?', '#');
    return cut < 0 ? redacted : redacted.substring(0, cut) + "?***";
  }

  /** A message with every URI in it redacted (a container's termination message, for one). */
  public static String text(String text) {
    if (text == null) {
      return null;
    }
    Matcher matcher = URL.matcher(text);
    StringBuilder out = new StringBuilder();
    while (matcher.find()) {
      matcher.appendReplacement(out, Matcher.quoteReplacement(uri(matcher.group())));
    }
    matcher.appendTail(out);
    return out.toString();
  }

  private static int indexOfAny(String text, char a, char b) {
    int i = text.indexOf(a);
    int j = text.indexOf(b);
    return i < 0 ? j : j < 0 ? i : Math.min(i, j);
  }
}
