package dev.herald.core.topic.urlpattern;

import dev.herald.core.topic.urlpattern.Token.Type;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a pattern string into tokens ("tokenize" in the URL Pattern standard). Under the strict
 * policy a malformed name, regexp group or trailing backslash is an error; under the lenient one,
 * used by the constructor string parser, it becomes an invalid-char token.
 *
 * <p>Confined to the thread that creates it.
 */
final class Tokenizer {

  enum Policy {
    STRICT,
    LENIENT
  }

  private final int[] input;
  private final Policy policy;
  private final List<Token> tokens = new ArrayList<>();
  private int index;
  private int nextIndex;
  private int codePoint;

  private Tokenizer(String input, Policy policy) {
    this.input = input.codePoints().toArray();
    this.policy = policy;
  }

  static List<Token> tokenize(String input, Policy policy) {
    return new Tokenizer(input, policy).run();
  }

  private List<Token> run() {
    while (index < input.length) {
      seekAndGetNext(index);
      switch (codePoint) {
        case '*' -> addDefault(Type.ASTERISK);
        case '+', '?' -> addDefault(Type.OTHER_MODIFIER);
        case '\\' -> {
          if (index == input.length - 1) {
            error(nextIndex, index, "a '\\' ending the pattern");
            continue;
          }
          int escapedIndex = nextIndex;
          getNext();
          add(Type.ESCAPED_CHAR, nextIndex, escapedIndex, nextIndex - escapedIndex);
        }
        case '{' -> addDefault(Type.OPEN);
        case '}' -> addDefault(Type.CLOSE);
        case ':' -> name();
        case '(' -> regexp();
        default -> addDefault(Type.CHAR);
      }
    }
    add(Type.END, index, index, 0);
    return tokens;
  }

  private void name() {
    int namePosition = nextIndex;
    int nameStart = namePosition;
    while (namePosition < input.length) {
      seekAndGetNext(namePosition);
      if (!isValidNameCodePoint(codePoint, namePosition == nameStart)) {
        break;
      }
      namePosition = nextIndex;
    }
    if (namePosition <= nameStart) {
      error(nameStart, index, "a name after ':'");
      return;
    }
    add(Type.NAME, namePosition, nameStart, namePosition - nameStart);
  }

  private void regexp() {
    int depth = 1;
    int position = nextIndex;
    int start = position;
    while (position < input.length) {
      seekAndGetNext(position);
      if (codePoint > 0x7F) {
        error(start, index, "ASCII only inside a regexp group");
        return;
      }
      if (position == start && codePoint == '?') {
        error(start, index, "a regexp group not starting with '?'");
        return;
      }
      if (codePoint == '\\') {
        if (position == input.length - 1) {
          error(start, index, "a character after '\\' in a regexp group");
          return;
        }
        getNext();
        if (codePoint > 0x7F) {
          error(start, index, "ASCII only inside a regexp group");
          return;
        }
        position = nextIndex;
        continue;
      }
      if (codePoint == ')') {
        depth--;
        if (depth == 0) {
          position = nextIndex;
          break;
        }
      } else if (codePoint == '(') {
        depth++;
        if (position == input.length - 1) {
          error(start, index, "a closed regexp group");
          return;
        }
        int temporary = nextIndex;
        getNext();
        if (codePoint != '?') {
          error(start, index, "no capturing group inside a regexp group (use '(?:')");
          return;
        }
        nextIndex = temporary;
      }
      position = nextIndex;
    }
    if (depth != 0) {
      error(start, index, "a ')' closing the regexp group");
      return;
    }
    int length = position - start - 1;
    if (length == 0) {
      error(start, index, "a non-empty regexp group");
      return;
    }
    add(Type.REGEXP, position, start, length);
  }

  private void getNext() {
    codePoint = input[nextIndex];
    nextIndex++;
  }

  private void seekAndGetNext(int at) {
    nextIndex = at;
    getNext();
  }

  private void add(Type type, int nextPosition, int valuePosition, int valueLength) {
    tokens.add(new Token(type, index, new String(input, valuePosition, valueLength)));
    index = nextPosition;
  }

  private void addDefault(Type type) {
    add(type, nextIndex, index, nextIndex - index);
  }

  private void error(int nextPosition, int valuePosition, String expected) {
    if (policy == Policy.STRICT) {
      throw new UrlPatternException(
          "invalid pattern \""
              + new String(input, 0, input.length)
              + "\" at index "
              + index
              + " (expected: "
              + expected
              + ")");
    }
    add(Type.INVALID_CHAR, nextPosition, valuePosition, nextPosition - valuePosition);
  }

  /** ECMAScript IdentifierStart / IdentifierPart. */
  static boolean isValidNameCodePoint(int c, boolean first) {
    if (c == '$' || c == '_') {
      return true;
    }
    if (first) {
      return Character.isUnicodeIdentifierStart(c) && c != 0x2E2F;
    }
    return c == 0x200C
        || c == 0x200D
        || (Character.isUnicodeIdentifierPart(c) && !Character.isIdentifierIgnorable(c));
  }
}
