package dev.herald.core.topic.urlpattern;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import dev.herald.core.topic.urlpattern.Part.Modifier;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * One compiled component of a URL pattern (protocol, hostname, pathname, ...): its normalized
 * pattern string, its regular expression and the names of its groups.
 *
 * <p>The regular expression runs on RE2/J, whose matching time is linear in the input, so a
 * subscriber's pattern cannot make the hub backtrack; regexp features RE2 lacks (lookaround,
 * backreferences) make the pattern fail to compile instead.
 *
 * <p>Immutable; safe from any thread.
 */
final class Component {

  /** How {@link #test} decides without the regular expression, when it can. */
  private enum Shortcut {
    /** A lone {@code *}: "^(.*)$" matches every component value (none holds a line break). */
    EVERYTHING,
    /** Fixed text only: the value must be that text. */
    FIXED_TEXT,
    NONE
  }

  private final String patternString;
  private final Pattern regexp;
  private final Shortcut shortcut;
  private final String fixedText;
  private final List<String> groupNames;
  private final List<Part> parts;
  private final boolean hasRegexpGroups;
  private final boolean ignoreCase;

  private Component(
      String patternString,
      Pattern regexp,
      List<String> groupNames,
      List<Part> parts,
      boolean ignoreCase) {
    this.patternString = patternString;
    this.regexp = regexp;
    this.groupNames = groupNames;
    this.parts = parts;
    this.hasRegexpGroups = parts.stream().anyMatch(p -> p.type() == Part.Type.REGEXP);
    this.ignoreCase = ignoreCase;
    StringBuilder fixed = new StringBuilder();
    boolean allFixed = !ignoreCase;
    for (Part part : parts) {
      allFixed &= part.type() == Part.Type.FIXED_TEXT && part.modifier() == Modifier.NONE;
      fixed.append(part.value());
    }
    if (parts.size() == 1 && isLoneWildcard(parts.get(0))) {
      this.shortcut = Shortcut.EVERYTHING;
    } else if (allFixed) {
      this.shortcut = Shortcut.FIXED_TEXT;
    } else {
      this.shortcut = Shortcut.NONE;
    }
    this.fixedText = fixed.toString();
  }

  private static boolean isLoneWildcard(Part part) {
    return part.type() == Part.Type.FULL_WILDCARD
        && part.modifier() == Modifier.NONE
        && part.prefix().isEmpty()
        && part.suffix().isEmpty();
  }

  /** "compile a component". */
  /**
   * The most a pattern's own regexp groups may add up to, in {@link RegexpSize} units: {@code
   * (\d{1,10})} is 10; {@code (?:a{1000}){1000}} (a million) would take seconds to compile.
   */
  static final long MAX_REGEXP_SIZE = 1_000;

  /**
   * The most groups one component may have: matching time grows with the program's size, and a
   * subscriber's pattern is evaluated for every topic published.
   */
  static final int MAX_GROUPS = 64;

  static Component compile(String input, UnaryOperator<String> encoding, Options options) {
    List<Part> parts = List.copyOf(PatternParser.parse(input, options, encoding));
    long regexpSize = 0;
    int groups = 0;
    for (Part part : parts) {
      if (part.type() == Part.Type.REGEXP) {
        regexpSize += RegexpSize.of(part.value());
      }
      if (part.type() != Part.Type.FIXED_TEXT) {
        groups++;
      }
    }
    if (groups > MAX_GROUPS) {
      throw new UrlPatternException(
          "invalid pattern \""
              + input
              + "\": "
              + groups
              + " groups (expected: at most "
              + MAX_GROUPS
              + ")");
    }
    if (regexpSize > MAX_REGEXP_SIZE) {
      throw new UrlPatternException(
          "invalid pattern \""
              + input
              + "\": its regexp groups expand to "
              + (regexpSize >= Long.MAX_VALUE / 4 ? "too many" : Long.toString(regexpSize))
              + " characters (expected: at most "
              + MAX_REGEXP_SIZE
              + "; counted repetitions such as {1000} multiply)");
    }
    List<String> names = new ArrayList<>();
    String regexpString = generateRegexp(parts, options, names);
    Pattern regexp;
    try {
      regexp = Pattern.compile((options.ignoreCase() ? "(?i)" : "") + regexpString);
    } catch (PatternSyntaxException e) {
      throw new UrlPatternException(
          "invalid pattern \""
              + input
              + "\": regular expression "
              + regexpString
              + " does not compile ("
              + e.getDescription()
              + "; expected: RE2 syntax, without lookaround or backreferences)");
    }
    return new Component(
        generatePatternString(parts, options),
        regexp,
        Collections.unmodifiableList(names),
        parts,
        options.ignoreCase());
  }

  String patternString() {
    return patternString;
  }

  boolean hasRegexpGroups() {
    return hasRegexpGroups;
  }

  List<Part> parts() {
    return parts;
  }

  /** Whether fixed text matches in any case, so that it says nothing of the input's characters. */
  boolean ignoreCase() {
    return ignoreCase;
  }

  boolean test(String input) {
    return switch (shortcut) {
      case EVERYTHING -> true;
      case FIXED_TEXT -> fixedText.equals(input);
      case NONE -> regexp.matches(input);
    };
  }

  /** The groups of a match, by name (a null value for a group that took no part), or null. */
  Map<String, String> exec(String input) {
    Matcher matcher = regexp.matcher(input);
    if (!matcher.matches()) {
      return null;
    }
    Map<String, String> groups = new LinkedHashMap<>();
    for (int i = 0; i < groupNames.size(); i++) {
      groups.put(groupNames.get(i), matcher.group(i + 1));
    }
    return groups;
  }

  /** "protocol component matches a special scheme". */
  boolean matchesASpecialScheme() {
    for (String scheme : WhatwgUrl.SPECIAL_SCHEMES) {
      if (test(scheme)) {
        return true;
      }
    }
    return false;
  }

  /** "generate a regular expression and name list", adapted to RE2 syntax. */
  private static String generateRegexp(List<Part> parts, Options options, List<String> names) {
    StringBuilder result = new StringBuilder("^");
    for (Part part : parts) {
      if (part.type() == Part.Type.FIXED_TEXT) {
        if (part.modifier() == Modifier.NONE) {
          result.append(escapeRegexp(part.value()));
        } else {
          result
              .append("(?:")
              .append(escapeRegexp(part.value()))
              .append(')')
              .append(part.modifier().text);
        }
        continue;
      }
      names.add(part.name());
      String value =
          switch (part.type()) {
            // RE2 has no "[^]"; with no delimiter the wildcard takes any code point.
            case SEGMENT_WILDCARD ->
                options.delimiter().isEmpty() ? "(?s:.)+?" : options.segmentWildcardRegexp();
            case FULL_WILDCARD -> PatternParser.FULL_WILDCARD_REGEXP;
            default -> part.value();
          };
      String modifier = part.modifier().text;
      boolean repeats =
          part.modifier() == Modifier.ZERO_OR_MORE || part.modifier() == Modifier.ONE_OR_MORE;
      if (part.prefix().isEmpty() && part.suffix().isEmpty()) {
        if (!repeats) {
          result.append('(').append(value).append(')').append(modifier);
        } else {
          result.append("((?:").append(value).append(')').append(modifier).append(')');
        }
        continue;
      }
      String prefix = escapeRegexp(part.prefix());
      String suffix = escapeRegexp(part.suffix());
      if (!repeats) {
        result
            .append("(?:")
            .append(prefix)
            .append('(')
            .append(value)
            .append(')')
            .append(suffix)
            .append(')')
            .append(modifier);
        continue;
      }
      result
          .append("(?:")
          .append(prefix)
          .append("((?:")
          .append(value)
          .append(")(?:")
          .append(suffix)
          .append(prefix)
          .append("(?:")
          .append(value)
          .append("))*)")
          .append(suffix)
          .append(')');
      if (part.modifier() == Modifier.ZERO_OR_MORE) {
        result.append('?');
      }
    }
    return result.append('$').toString();
  }

  /** "generate a pattern string": the normalized form the standard exposes per component. */
  private static String generatePatternString(List<Part> parts, Options options) {
    StringBuilder result = new StringBuilder();
    for (int i = 0; i < parts.size(); i++) {
      Part part = parts.get(i);
      Part previous = i > 0 ? parts.get(i - 1) : null;
      Part next = i < parts.size() - 1 ? parts.get(i + 1) : null;
      if (part.type() == Part.Type.FIXED_TEXT) {
        if (part.modifier() == Modifier.NONE) {
          result.append(escapePatternString(part.value()));
        } else {
          result
              .append('{')
              .append(escapePatternString(part.value()))
              .append('}')
              .append(part.modifier().text);
        }
        continue;
      }
      boolean customName = !isAsciiDigit(part.name().charAt(0));
      boolean needsGrouping =
          !part.suffix().isEmpty()
              || (!part.prefix().isEmpty() && !part.prefix().equals(options.prefix()));
      if (!needsGrouping
          && customName
          && part.type() == Part.Type.SEGMENT_WILDCARD
          && part.modifier() == Modifier.NONE
          && next != null
          && next.prefix().isEmpty()
          && next.suffix().isEmpty()) {
        if (next.type() == Part.Type.FIXED_TEXT) {
          needsGrouping =
              !next.value().isEmpty()
                  && Tokenizer.isValidNameCodePoint(next.value().codePointAt(0), false);
        } else {
          needsGrouping = isAsciiDigit(next.name().charAt(0));
        }
      }
      if (!needsGrouping
          && part.prefix().isEmpty()
          && previous != null
          && previous.type() == Part.Type.FIXED_TEXT
          && !previous.value().isEmpty()
          && !options.prefix().isEmpty()
          && previous.value().endsWith(options.prefix())) {
        needsGrouping = true;
      }
      if (needsGrouping) {
        result.append('{');
      }
      result.append(escapePatternString(part.prefix()));
      if (customName) {
        result.append(':').append(part.name());
      }
      switch (part.type()) {
        case REGEXP -> result.append('(').append(part.value()).append(')');
        case SEGMENT_WILDCARD -> {
          if (!customName) {
            result.append('(').append(options.segmentWildcardRegexp()).append(')');
          }
        }
        case FULL_WILDCARD -> {
          if (!customName
              && (previous == null
                  || previous.type() == Part.Type.FIXED_TEXT
                  || previous.modifier() != Modifier.NONE
                  || needsGrouping
                  || !part.prefix().isEmpty())) {
            result.append('*');
          } else {
            result.append('(').append(PatternParser.FULL_WILDCARD_REGEXP).append(')');
          }
        }
        default -> throw new AssertionError(part.type());
      }
      if (part.type() == Part.Type.SEGMENT_WILDCARD
          && customName
          && !part.suffix().isEmpty()
          && Tokenizer.isValidNameCodePoint(part.suffix().codePointAt(0), false)) {
        result.append('\\');
      }
      result.append(escapePatternString(part.suffix()));
      if (needsGrouping) {
        result.append('}');
      }
      result.append(part.modifier().text);
    }
    return result.toString();
  }

  static String escapeRegexp(String input) {
    StringBuilder result = new StringBuilder(input.length());
    for (int i = 0; i < input.length(); i++) {
      char c = input.charAt(i);
      if (".+*?^${}()[]|/\\".indexOf(c) >= 0) {
        result.append('\\');
      }
      result.append(c);
    }
    return result.toString();
  }

  static String escapePatternString(String input) {
    StringBuilder result = new StringBuilder(input.length());
    for (int i = 0; i < input.length(); i++) {
      char c = input.charAt(i);
      if ("+*?:{}()\\".indexOf(c) >= 0) {
        result.append('\\');
      }
      result.append(c);
    }
    return result.toString();
  }

  private static boolean isAsciiDigit(char c) {
    return c >= '0' && c <= '9';
  }
}
