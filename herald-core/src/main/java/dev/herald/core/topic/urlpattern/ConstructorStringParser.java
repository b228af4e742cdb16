package dev.herald.core.topic.urlpattern;

import dev.herald.core.topic.urlpattern.Token.Type;
import java.util.List;

/**
 * Splits a pattern written as one string, such as {@code https://example.com/books/:id}, into its
 * components ("parse a constructor string"). Works on lenient tokens, so pattern syntax such as
 * {@code :name} or {@code (\d+)} never looks like a URL separator.
 *
 * <p>Confined to the thread that creates it.
 */
final class ConstructorStringParser {

  private enum State {
    INIT,
    PROTOCOL,
    AUTHORITY,
    USERNAME,
    PASSWORD,
    HOSTNAME,
    PORT,
    PATHNAME,
    SEARCH,
    HASH,
    DONE;

    String component() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  private final int[] input;
  private final List<Token> tokens;
  private UrlPatternInit result = UrlPatternInit.EMPTY;
  private int componentStart;
  private int tokenIndex;
  private int tokenIncrement = 1;
  private int groupDepth;
  private int ipv6BracketDepth;
  private boolean protocolMatchesSpecialScheme;
  private State state = State.INIT;

  private ConstructorStringParser(String input) {
    this.input = input.codePoints().toArray();
    this.tokens = Tokenizer.tokenize(input, Tokenizer.Policy.LENIENT);
  }

  static UrlPatternInit parse(String input) {
    return new ConstructorStringParser(input).run();
  }

  private UrlPatternInit run() {
    while (tokenIndex < tokens.size()) {
      tokenIncrement = 1;
      if (tokens.get(tokenIndex).type() == Type.END) {
        if (state == State.INIT) {
          rewind();
          if (isHashPrefix()) {
            changeState(State.HASH, 1);
          } else if (isSearchPrefix()) {
            changeState(State.SEARCH, 1);
          } else {
            changeState(State.PATHNAME, 0);
          }
          tokenIndex += tokenIncrement;
          continue;
        }
        if (state == State.AUTHORITY) {
          rewindAndSetState(State.HOSTNAME);
          tokenIndex += tokenIncrement;
          continue;
        }
        changeState(State.DONE, 0);
        break;
      }
      if (tokens.get(tokenIndex).type() == Type.OPEN) {
        groupDepth++;
        tokenIndex += tokenIncrement;
        continue;
      }
      if (groupDepth > 0) {
        if (tokens.get(tokenIndex).type() == Type.CLOSE) {
          groupDepth--;
        } else {
          tokenIndex += tokenIncrement;
          continue;
        }
      }
      switch (state) {
        case INIT -> {
          if (isNonSpecialPatternChar(tokenIndex, ":")) {
            rewindAndSetState(State.PROTOCOL);
          }
        }
        case PROTOCOL -> {
          if (isNonSpecialPatternChar(tokenIndex, ":")) {
            computeProtocolMatchesSpecialScheme();
            State next = State.PATHNAME;
            int skip = 1;
            if (isNonSpecialPatternChar(tokenIndex + 1, "/")
                && isNonSpecialPatternChar(tokenIndex + 2, "/")) {
              next = State.AUTHORITY;
              skip = 3;
            } else if (protocolMatchesSpecialScheme) {
              next = State.AUTHORITY;
            }
            changeState(next, skip);
          }
        }
        case AUTHORITY -> {
          if (isNonSpecialPatternChar(tokenIndex, "@")) {
            rewindAndSetState(State.USERNAME);
          } else if (isNonSpecialPatternChar(tokenIndex, "/")
              || isSearchPrefix()
              || isHashPrefix()) {
            rewindAndSetState(State.HOSTNAME);
          }
        }
        case USERNAME -> {
          if (isNonSpecialPatternChar(tokenIndex, ":")) {
            changeState(State.PASSWORD, 1);
          } else if (isNonSpecialPatternChar(tokenIndex, "@")) {
            changeState(State.HOSTNAME, 1);
          }
        }
        case PASSWORD -> {
          if (isNonSpecialPatternChar(tokenIndex, "@")) {
            changeState(State.HOSTNAME, 1);
          }
        }
        case HOSTNAME -> {
          if (isNonSpecialPatternChar(tokenIndex, "[")) {
            ipv6BracketDepth++;
          } else if (isNonSpecialPatternChar(tokenIndex, "]")) {
            ipv6BracketDepth--;
          } else if (isNonSpecialPatternChar(tokenIndex, ":") && ipv6BracketDepth == 0) {
            changeState(State.PORT, 1);
          } else if (isNonSpecialPatternChar(tokenIndex, "/")) {
            changeState(State.PATHNAME, 0);
          } else if (isSearchPrefix()) {
            changeState(State.SEARCH, 1);
          } else if (isHashPrefix()) {
            changeState(State.HASH, 1);
          }
        }
        case PORT -> {
          if (isNonSpecialPatternChar(tokenIndex, "/")) {
            changeState(State.PATHNAME, 0);
          } else if (isSearchPrefix()) {
            changeState(State.SEARCH, 1);
          } else if (isHashPrefix()) {
            changeState(State.HASH, 1);
          }
        }
        case PATHNAME -> {
          if (isSearchPrefix()) {
            changeState(State.SEARCH, 1);
          } else if (isHashPrefix()) {
            changeState(State.HASH, 1);
          }
        }
        case SEARCH -> {
          if (isHashPrefix()) {
            changeState(State.HASH, 1);
          }
        }
        case HASH, DONE -> {}
      }
      tokenIndex += tokenIncrement;
    }
    if (result.hostname() != null && result.port() == null) {
      // An author who names a host but no port means the default port, not any port.
      result = result.with("port", "");
    }
    return result;
  }

  private void changeState(State newState, int skip) {
    if (state != State.INIT && state != State.AUTHORITY && state != State.DONE) {
      result = result.with(state.component(), makeComponentString());
    }
    if (state != State.INIT && newState != State.DONE) {
      boolean beforeHost =
          state == State.PROTOCOL
              || state == State.AUTHORITY
              || state == State.USERNAME
              || state == State.PASSWORD;
      boolean beforePath = beforeHost || state == State.HOSTNAME || state == State.PORT;
      if (beforeHost
          && (newState == State.PORT
              || newState == State.PATHNAME
              || newState == State.SEARCH
              || newState == State.HASH)
          && result.hostname() == null) {
        result = result.with("hostname", "");
      }
      if (beforePath
          && (newState == State.SEARCH || newState == State.HASH)
          && result.pathname() == null) {
        result = result.with("pathname", protocolMatchesSpecialScheme ? "/" : "");
      }
      if ((beforePath || state == State.PATHNAME)
          && newState == State.HASH
          && result.search() == null) {
        result = result.with("search", "");
      }
    }
    state = newState;
    tokenIndex += skip;
    componentStart = tokenIndex;
    tokenIncrement = 0;
  }

  private void rewind() {
    tokenIndex = componentStart;
    tokenIncrement = 0;
  }

  private void rewindAndSetState(State newState) {
    rewind();
    state = newState;
  }

  private Token safeToken(int index) {
    return index < tokens.size() ? tokens.get(index) : tokens.get(tokens.size() - 1);
  }

  private boolean isNonSpecialPatternChar(int index, String value) {
    Token token = safeToken(index);
    if (!token.value().equals(value)) {
      return false;
    }
    return token.type() == Type.CHAR
        || token.type() == Type.ESCAPED_CHAR
        || token.type() == Type.INVALID_CHAR;
  }

  private boolean isSearchPrefix() {
    if (isNonSpecialPatternChar(tokenIndex, "?")) {
      return true;
    }
    if (!tokens.get(tokenIndex).value().equals("?")) {
      return false;
    }
    if (tokenIndex - 1 < 0) {
      return true;
    }
    Type previous = safeToken(tokenIndex - 1).type();
    return previous != Type.NAME
        && previous != Type.REGEXP
        && previous != Type.CLOSE
        && previous != Type.ASTERISK;
  }

  private boolean isHashPrefix() {
    return isNonSpecialPatternChar(tokenIndex, "#");
  }

  private String makeComponentString() {
    Token token = tokens.get(tokenIndex);
    int start = safeToken(componentStart).index();
    return new String(input, start, token.index() - start);
  }

  private void computeProtocolMatchesSpecialScheme() {
    Component protocol =
        Component.compile(makeComponentString(), Canonicalize::protocol, Options.DEFAULT);
    if (protocol.matchesASpecialScheme()) {
      protocolMatchesSpecialScheme = true;
    }
  }
}
