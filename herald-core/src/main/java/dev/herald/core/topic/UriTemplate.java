package dev.herald.core.topic;

import java.util.Objects;
import java.util.StringJoiner;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * An RFC 6570 URI template (levels 1 to 4) compiled into a regular expression that matches the
 * strings the template can expand to.
 *
 * <p>Any variable may be undefined, so each expression, and each variable within it, is optional.
 * Exploded variables ({@code {/list*}}, {@code {?keys*}}) are matched loosely: as any run of their
 * value characters, {@code =} and the operator's separator. That accepts a few strings no expansion
 * produces, such as {@code a=b=c}, in exchange for a pattern without nested repetition.
 *
 * <p>Subscribers choose templates, so a hostile one could make a backtracking match take
 * exponential time, or recurse deep enough to exhaust the stack (thousands of expressions, or a
 * prefix such as {@code {x:9999}} meeting a value that long). {@link #matches} gives up, answering
 * {@code false}, once it has read {@value #BASE_STEPS} characters plus {@value #STEPS_PER_CHAR} per
 * character of the candidate, or when the stack runs out; ordinary templates stay far from both.
 *
 * <p>Immutable; safe from any thread.
 */
final class UriTemplate {

  /** The pattern for one expression grows with the square of its variables. */
  static final int MAX_VARIABLES_PER_EXPRESSION = 32;

  static final int BASE_STEPS = 10_000;
  static final int STEPS_PER_CHAR = 1_000;

  private static final String UNRESERVED_CHARS = "A-Za-z0-9\\-._~";
  private static final String RESERVED_CHARS = ":/?#\\[\\]@!$\\&'()*+,;=";

  /** One character of a value: a percent-encoded UTF-8 lead byte and its continuation bytes. */
  private static final String PCT_ENCODED_CHAR = "%[0-9A-Fa-f]{2}(?:%[89ABab][0-9A-Fa-f]){0,3}";

  private enum Operator {
    SIMPLE("", ",", false, UNRESERVED_CHARS),
    RESERVED("", ",", false, UNRESERVED_CHARS + RESERVED_CHARS),
    FRAGMENT("#", ",", false, UNRESERVED_CHARS + RESERVED_CHARS),
    LABEL(".", ".", false, UNRESERVED_CHARS),
    PATH("/", "/", false, UNRESERVED_CHARS),
    PARAMETER(";", ";", true, UNRESERVED_CHARS),
    QUERY("?", "&", true, UNRESERVED_CHARS),
    CONTINUATION("&", "&", true, UNRESERVED_CHARS);

    final String first;
    final String separator;
    final boolean named;

    /** Body of a regex character class: the characters a value may contain unencoded. */
    final String chars;

    Operator(String first, String separator, boolean named, String chars) {
      this.first = first;
      this.separator = separator;
      this.named = named;
      this.chars = chars;
    }

    static Operator of(char c) {
      return switch (c) {
        case '+' -> RESERVED;
        case '#' -> FRAGMENT;
        case '.' -> LABEL;
        case '/' -> PATH;
        case ';' -> PARAMETER;
        case '?' -> QUERY;
        case '&' -> CONTINUATION;
        default -> SIMPLE;
      };
    }
  }

  /** Thrown from deep inside the regex engine to abandon a match; shared, so without a trace. */
  private static final class StepBudgetExceeded extends RuntimeException {
    private static final long serialVersionUID = 1L;
    static final StepBudgetExceeded INSTANCE = new StepBudgetExceeded();

    private StepBudgetExceeded() {
      super("uri template match exceeded its step budget", null, false, false);
    }
  }

  /** The candidate as the regex engine sees it, counting the characters it reads. */
  private static final class BudgetedText implements CharSequence {
    private final String text;
    private int stepsLeft;

    BudgetedText(String text) {
      this.text = text;
      this.stepsLeft = BASE_STEPS + STEPS_PER_CHAR * text.length();
    }

    @Override
    public char charAt(int index) {
      if (--stepsLeft < 0) {
        throw StepBudgetExceeded.INSTANCE;
      }
      return text.charAt(index);
    }

    @Override
    public int length() {
      return text.length();
    }

    @Override
    public CharSequence subSequence(int start, int end) {
      return text.subSequence(start, end);
    }

    @Override
    public String toString() {
      return text;
    }
  }

  private final String template;
  private final Pattern pattern;

  private UriTemplate(String template, Pattern pattern) {
    this.template = template;
    this.pattern = pattern;
  }

  /**
   * Compiles {@code template}.
   *
   * @throws IllegalArgumentException if it is not a valid RFC 6570 template
   */
  static UriTemplate parse(String template) {
    Objects.requireNonNull(template, "template");
    StringBuilder regex = new StringBuilder();
    int i = 0;
    while (i < template.length()) {
      if (template.charAt(i) == '{') {
        int close = template.indexOf('}', i);
        if (close < 0) {
          throw invalid(template, i, "unclosed '{'", "a '}' ending the expression");
        }
        regex.append(expression(template, i + 1, close));
        i = close + 1;
      } else {
        int end = template.indexOf('{', i);
        end = end < 0 ? template.length() : end;
        checkLiteral(template, i, end);
        regex.append(Pattern.quote(template.substring(i, end)));
        i = end;
      }
    }
    try {
      return new UriTemplate(template, Pattern.compile(regex.toString()));
    } catch (PatternSyntaxException tooDeep) {
      // The generated syntax is always valid; only a stack overflow while compiling lands here.
      throw new IllegalArgumentException(
          "uri template \"" + template + "\": too large to compile (expected: fewer expressions)");
    }
  }

  /** Whether {@code candidate} is a possible expansion of this template. */
  boolean matches(String candidate) {
    // Values only ever hold '%' as the start of an encoded octet; checking that here lets the
    // pattern treat '%' as an ordinary character instead of a slower alternation.
    if (!hasWellFormedPercentEncoding(candidate)) {
      return false;
    }
    try {
      return pattern.matcher(new BudgetedText(candidate)).matches();
    } catch (StepBudgetExceeded | StackOverflowError e) {
      // The engine's state is local to this matcher, so abandoning it mid-match is safe; the JDK
      // does the same when compiling a pattern overflows.
      return false;
    }
  }

  String template() {
    return template;
  }

  Pattern pattern() {
    return pattern;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof UriTemplate that && template.equals(that.template);
  }

  @Override
  public int hashCode() {
    return template.hashCode();
  }

  @Override
  public String toString() {
    return template;
  }

  /** The regex for the expression between {@code start} and {@code end}, braces excluded. */
  private static String expression(String template, int start, int end) {
    String body = template.substring(start, end);
    if (body.isEmpty()) {
      throw invalid(template, start - 1, "empty expression", "a variable name between '{' and '}'");
    }
    int nested = body.indexOf('{');
    if (nested >= 0) {
      throw invalid(
          template, start + nested, "'{' inside an expression", "'}' before the next '{'");
    }
    char first = body.charAt(0);
    if ("=,!@|".indexOf(first) >= 0) {
      throw invalid(
          template,
          start,
          "operator '" + first + "' is reserved for future extensions",
          "one of + # . / ; ? & or a variable name");
    }
    Operator op = Operator.of(first);
    int offset = op == Operator.SIMPLE ? 0 : 1;
    String[] specs = body.substring(offset).split(",", -1);
    if (specs.length > MAX_VARIABLES_PER_EXPRESSION) {
      throw invalid(
          template,
          start,
          specs.length + " variables in one expression",
          "at most " + MAX_VARIABLES_PER_EXPRESSION);
    }
    String[] variables = new String[specs.length];
    int at = start + offset;
    for (int v = 0; v < specs.length; v++) {
      variables[v] = variable(template, at, specs[v], op);
      at += specs[v].length() + 1;
    }
    return join(op, variables);
  }

  /** The regex for one varspec ({@code name}, {@code name*} or {@code name:max}) at {@code at}. */
  private static String variable(String template, int at, String spec, Operator op) {
    int colon = spec.indexOf(':');
    boolean explode = colon < 0 && spec.endsWith("*");
    String name =
        colon >= 0
            ? spec.substring(0, colon)
            : explode ? spec.substring(0, spec.length() - 1) : spec;
    int maxLength = colon >= 0 ? maxLength(template, at + colon + 1, spec.substring(colon + 1)) : 0;
    if (!isVarname(name)) {
      throw invalid(
          template,
          at,
          "invalid variable name \"" + name + "\"",
          "letters, digits, '_' or percent-encoded octets, optionally joined by single '.'");
    }
    if (explode) {
      // Named exploded values repeat at least one name, so they are never empty.
      return "[" + op.chars + "%=\\" + op.separator + "]" + (op.named ? "+" : "*");
    }
    if (!op.named) {
      return value(op, maxLength, false);
    }
    String quotedName = Pattern.quote(name);
    // ';' writes a bare name for an empty value, '?' and '&' write "name=".
    return op == Operator.PARAMETER
        ? quotedName + "(?:=" + value(op, maxLength, true) + ")?"
        : quotedName + "=" + value(op, maxLength, false);
  }

  private static String value(Operator op, int maxLength, boolean nonEmpty) {
    int min = nonEmpty ? 1 : 0;
    if (maxLength > 0) {
      return "(?:[" + op.chars + "]|" + PCT_ENCODED_CHAR + "){" + min + "," + maxLength + "}";
    }
    // ',' joins the items of a list or the keys and values of a map.
    return "[" + op.chars + "%,]" + (nonEmpty ? "+" : "*");
  }

  /**
   * The defined variables of an expression are written after the operator's prefix, joined by its
   * separator; the result is every ordered non-empty subset, or nothing at all.
   */
  private static String join(Operator op, String[] variables) {
    String separator = Pattern.quote(op.separator);
    StringJoiner subsets = new StringJoiner("|", "(?:", ")");
    for (int i = 0; i < variables.length; i++) {
      StringBuilder subset = new StringBuilder(variables[i]);
      for (int j = i + 1; j < variables.length; j++) {
        subset.append("(?:").append(separator).append(variables[j]).append(")?");
      }
      subsets.add(subset);
    }
    // Without a prefix every variable can already match the empty string; another '?' would only
    // double the ways to backtrack.
    return op.first.isEmpty()
        ? subsets.toString()
        : "(?:" + Pattern.quote(op.first) + subsets + ")?";
  }

  private static int maxLength(String template, int at, String digits) {
    boolean valid = !digits.isEmpty() && digits.length() <= 4 && digits.charAt(0) != '0';
    for (int i = 0; valid && i < digits.length(); i++) {
      valid = digits.charAt(i) >= '0' && digits.charAt(i) <= '9';
    }
    if (!valid) {
      throw invalid(
          template, at, "invalid prefix length \"" + digits + "\"", "an integer from 1 to 9999");
    }
    return Integer.parseInt(digits);
  }

  private static void checkLiteral(String template, int start, int end) {
    for (int i = start; i < end; i++) {
      char c = template.charAt(i);
      if (c == '}') {
        throw invalid(template, i, "'}' without a matching '{'", "'{' before it");
      }
      if (c == '%') {
        if (!isPercentEncoded(template, i)) {
          throw invalid(template, i, "'%' not followed by two hex digits", "an octet such as %20");
        }
        i += 2;
      } else if (!isLiteral(c)) {
        throw invalid(
            template,
            i,
            String.format("character '%c' (U+%04X) in a literal", c, (int) c),
            "a URI character or a percent-encoded octet");
      }
    }
  }

  /** RFC 6570 section 2.1: printable ASCII except {@code "'%<>\^`{|}}, and non-ASCII. */
  private static boolean isLiteral(char c) {
    return c >= 0xA0 || (c > 0x20 && c < 0x7F && "\"'<>\\^`{|}".indexOf(c) < 0);
  }

  /** RFC 6570 section 2.3: {@code varchar *( ["."] varchar )}. */
  private static boolean isVarname(String name) {
    boolean expectVarchar = true;
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == '.' && !expectVarchar) {
        expectVarchar = true;
        continue;
      }
      if (c == '%' && isPercentEncoded(name, i)) {
        i += 2;
      } else if (!(isAsciiLetterOrDigit(c) || c == '_')) {
        return false;
      }
      expectVarchar = false;
    }
    return !expectVarchar;
  }

  private static boolean hasWellFormedPercentEncoding(String text) {
    for (int i = text.indexOf('%'); i >= 0; i = text.indexOf('%', i + 3)) {
      if (!isPercentEncoded(text, i)) {
        return false;
      }
    }
    return true;
  }

  private static boolean isPercentEncoded(String text, int percent) {
    return percent + 2 < text.length()
        && isHexDigit(text.charAt(percent + 1))
        && isHexDigit(text.charAt(percent + 2));
  }

  private static boolean isHexDigit(char c) {
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f');
  }

  private static boolean isAsciiLetterOrDigit(char c) {
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
  }

  private static IllegalArgumentException invalid(
      String template, int index, String problem, String expected) {
    return new IllegalArgumentException(
        String.format(
            "uri template \"%s\": %s at index %d (expected: %s)",
            template, problem, index, expected));
  }
}
