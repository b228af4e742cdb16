package dev.herald.core.topic.urlpattern;

/**
 * An upper bound on the size of the program a pattern's own regexp groups compile to, counted as
 * the characters they can match once counted repetitions are expanded: {@code a{1000}} is 1,000,
 * {@code (?:a{1000}){1000}} a million. RE2 expands counted repetitions when it compiles, so a short
 * pattern such as the latter would cost seconds and tens of megabytes to compile, and one more
 * level exhausts the heap; linear-time matching is also linear in the program's size. Alternatives
 * are added, not maxed, and {@code * + ?} add one, so the bound stays conservative.
 *
 * <p>Confined to the thread that creates it.
 */
final class RegexpSize {

  private static final long SATURATED = Long.MAX_VALUE / 4;

  private final String regexp;
  private int pos;

  private RegexpSize(String regexp) {
    this.regexp = regexp;
  }

  /** The bound for one regexp group's text (what sits between its parentheses). */
  static long of(String regexp) {
    RegexpSize size = new RegexpSize(regexp);
    long total = 0;
    while (size.pos < regexp.length()) {
      // A stray ')' is RE2's to reject; count past it.
      total = add(total, size.sequence());
      size.pos++;
    }
    return total;
  }

  private long sequence() {
    long total = 0;
    while (pos < regexp.length() && regexp.charAt(pos) != ')') {
      if (regexp.charAt(pos) == '|') {
        pos++;
        continue;
      }
      total = add(total, quantified(atom()));
    }
    return total;
  }

  private long atom() {
    char c = regexp.charAt(pos);
    switch (c) {
      case '(' -> {
        pos++;
        if (pos < regexp.length() && regexp.charAt(pos) == '?') {
          // (?:  (?i)  (?P<name>  (?<name>  (?=  — skip to the body or the group's end.
          while (pos < regexp.length() && ":)>=!".indexOf(regexp.charAt(pos)) < 0) {
            pos++;
          }
          if (pos < regexp.length() && regexp.charAt(pos) != ')') {
            pos++;
          }
        }
        long inner = sequence();
        pos++; // the ')'
        return Math.max(1, inner);
      }
      case '[' -> {
        pos++;
        if (pos < regexp.length() && regexp.charAt(pos) == '^') {
          pos++;
        }
        if (pos < regexp.length() && regexp.charAt(pos) == ']') {
          pos++;
        }
        while (pos < regexp.length() && regexp.charAt(pos) != ']') {
          pos += regexp.charAt(pos) == '\\' ? 2 : 1;
        }
        pos++;
        return 1;
      }
      case '\\' -> {
        pos += 2;
        // \p{Greek}, \x{10FFFF}
        if (pos < regexp.length()
            && regexp.charAt(pos) == '{'
            && pos >= 2
            && "pPx".indexOf(regexp.charAt(pos - 1)) >= 0) {
          int close = regexp.indexOf('}', pos);
          pos = close < 0 ? regexp.length() : close + 1;
        }
        return 1;
      }
      default -> {
        pos++;
        return 1;
      }
    }
  }

  private long quantified(long atom) {
    while (pos < regexp.length()) {
      char c = regexp.charAt(pos);
      if (c == '*' || c == '+' || c == '?') {
        pos++;
        atom = add(atom, 1);
      } else if (c == '{' && isCount(pos)) {
        int close = regexp.indexOf('}', pos);
        String[] bounds = regexp.substring(pos + 1, close).split(",", -1);
        long low = parse(bounds[0]);
        long high = bounds.length == 1 ? low : bounds[1].isEmpty() ? low + 1 : parse(bounds[1]);
        atom = multiply(atom, Math.max(1, Math.max(low, high)));
        pos = close + 1;
      } else {
        return atom;
      }
    }
    return atom;
  }

  /** Whether a '{' at {@code at} opens {n}, {n,} or {n,m}; otherwise RE2 reads it literally. */
  private boolean isCount(int at) {
    int close = regexp.indexOf('}', at);
    return close > at + 1 && regexp.substring(at + 1, close).matches("[0-9]+(,[0-9]*)?");
  }

  private static long parse(String digits) {
    return digits.length() > 9 ? SATURATED : Long.parseLong(digits);
  }

  private static long add(long a, long b) {
    return Math.min(SATURATED, a + b);
  }

  private static long multiply(long a, long b) {
    return a > SATURATED / b ? SATURATED : Math.min(SATURATED, a * b);
  }
}
