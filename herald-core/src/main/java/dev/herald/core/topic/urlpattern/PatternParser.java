package dev.herald.core.topic.urlpattern;

import dev.herald.core.topic.urlpattern.Part.Modifier;
import dev.herald.core.topic.urlpattern.Token.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Turns one component's pattern string into a part list ("parse a pattern string"), running the
 * component's encoding callback over every piece of fixed text.
 *
 * <p>Confined to the thread that creates it.
 */
final class PatternParser {

  static final String FULL_WILDCARD_REGEXP = ".*";

  private final List<Token> tokens;
  private final UnaryOperator<String> encoding;
  private final String segmentWildcardRegexp;
  private final Options options;
  private final List<Part> parts = new ArrayList<>();
  private final StringBuilder pendingFixedValue = new StringBuilder();
  private int index;
  private int nextNumericName;

  private PatternParser(String input, Options options, UnaryOperator<String> encoding) {
    this.tokens = Tokenizer.tokenize(input, Tokenizer.Policy.STRICT);
    this.encoding = encoding;
    this.options = options;
    this.segmentWildcardRegexp = options.segmentWildcardRegexp();
  }

  static List<Part> parse(String input, Options options, UnaryOperator<String> encoding) {
    return new PatternParser(input, options, encoding).run(input);
  }

  private List<Part> run(String input) {
    while (index < tokens.size()) {
      Token charToken = tryConsume(Type.CHAR);
      Token nameToken = tryConsume(Type.NAME);
      Token regexpOrWildcard = tryConsumeRegexpOrWildcard(nameToken);
      if (nameToken != null || regexpOrWildcard != null) {
        String prefix = charToken == null ? "" : charToken.value();
        if (!prefix.isEmpty() && !prefix.equals(options.prefix())) {
          pendingFixedValue.append(prefix);
          prefix = "";
        }
        maybeAddPartFromPendingFixedValue();
        Token modifier = tryConsumeModifier();
        addPart(prefix, nameToken, regexpOrWildcard, "", modifier);
        continue;
      }
      Token fixed = charToken != null ? charToken : tryConsume(Type.ESCAPED_CHAR);
      if (fixed != null) {
        pendingFixedValue.append(fixed.value());
        continue;
      }
      Token open = tryConsume(Type.OPEN);
      if (open != null) {
        String prefix = consumeText();
        nameToken = tryConsume(Type.NAME);
        regexpOrWildcard = tryConsumeRegexpOrWildcard(nameToken);
        String suffix = consumeText();
        consumeRequired(Type.CLOSE, input);
        Token modifier = tryConsumeModifier();
        addPart(prefix, nameToken, regexpOrWildcard, suffix, modifier);
        continue;
      }
      maybeAddPartFromPendingFixedValue();
      consumeRequired(Type.END, input);
    }
    return parts;
  }

  private Token tryConsume(Type type) {
    Token next = tokens.get(index);
    if (next.type() != type) {
      return null;
    }
    index++;
    return next;
  }

  private Token tryConsumeModifier() {
    Token token = tryConsume(Type.OTHER_MODIFIER);
    return token != null ? token : tryConsume(Type.ASTERISK);
  }

  private Token tryConsumeRegexpOrWildcard(Token nameToken) {
    Token token = tryConsume(Type.REGEXP);
    if (nameToken == null && token == null) {
      token = tryConsume(Type.ASTERISK);
    }
    return token;
  }

  private void consumeRequired(Type type, String input) {
    if (tryConsume(type) == null) {
      Token found = tokens.get(index);
      throw new UrlPatternException(
          "invalid pattern \""
              + input
              + "\": unexpected '"
              + found.value()
              + "' at index "
              + found.index()
              + " (expected: "
              + (type == Type.END ? "the end" : "'}'")
              + ")");
    }
  }

  private String consumeText() {
    StringBuilder result = new StringBuilder();
    while (true) {
      Token token = tryConsume(Type.CHAR);
      if (token == null) {
        token = tryConsume(Type.ESCAPED_CHAR);
      }
      if (token == null) {
        return result.toString();
      }
      result.append(token.value());
    }
  }

  private void maybeAddPartFromPendingFixedValue() {
    if (pendingFixedValue.length() == 0) {
      return;
    }
    String encoded = encoding.apply(pendingFixedValue.toString());
    pendingFixedValue.setLength(0);
    parts.add(Part.fixed(encoded, Modifier.NONE));
  }

  private void addPart(
      String prefix, Token nameToken, Token regexpOrWildcard, String suffix, Token modifierToken) {
    Modifier modifier = Modifier.NONE;
    if (modifierToken != null) {
      modifier =
          switch (modifierToken.value()) {
            case "?" -> Modifier.OPTIONAL;
            case "*" -> Modifier.ZERO_OR_MORE;
            default -> Modifier.ONE_OR_MORE;
          };
    }
    if (nameToken == null && regexpOrWildcard == null && modifier == Modifier.NONE) {
      pendingFixedValue.append(prefix);
      return;
    }
    maybeAddPartFromPendingFixedValue();
    if (nameToken == null && regexpOrWildcard == null) {
      if (prefix.isEmpty()) {
        return;
      }
      parts.add(Part.fixed(encoding.apply(prefix), modifier));
      return;
    }
    String regexpValue;
    if (regexpOrWildcard == null) {
      regexpValue = segmentWildcardRegexp;
    } else if (regexpOrWildcard.type() == Type.ASTERISK) {
      regexpValue = FULL_WILDCARD_REGEXP;
    } else {
      regexpValue = regexpOrWildcard.value();
    }
    Part.Type type = Part.Type.REGEXP;
    if (regexpValue.equals(segmentWildcardRegexp)) {
      type = Part.Type.SEGMENT_WILDCARD;
      regexpValue = "";
    } else if (regexpValue.equals(FULL_WILDCARD_REGEXP)) {
      type = Part.Type.FULL_WILDCARD;
      regexpValue = "";
    }
    String name;
    if (nameToken != null) {
      name = nameToken.value();
    } else {
      name = Integer.toString(nextNumericName++);
    }
    for (Part part : parts) {
      if (part.name().equals(name)) {
        throw new UrlPatternException(
            "invalid pattern: group name \"" + name + "\" used twice (expected: distinct names)");
      }
    }
    parts.add(
        new Part(
            type, regexpValue, modifier, name, encoding.apply(prefix), encoding.apply(suffix)));
  }
}
