package dev.herald.core.auth;

import dev.herald.core.topic.TopicSelector;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads the {@code authorization_details} claim (RFC 9396) of an access token into {@link Grant}s.
 * All or nothing: one malformed Mercure detail rejects the whole token, because acting on the
 * remaining ones would silently change what the token grants. Details of other types are someone
 * else's business and are skipped; unknown actions grant nothing.
 *
 * <p>Thread-safety: stateless.
 */
final class AuthorizationDetails {

  static final String TYPE = "https://mercure.rocks/authorization-detail";

  /** Entries of {@code authorization_details}, of any type. */
  static final int MAX_DETAILS = 64;

  /** Entries of one detail's {@code topics}. */
  static final int MAX_TOPICS = 256;

  /** Characters of one {@code match}. */
  static final int MAX_MATCH_LENGTH = 2_048;

  private AuthorizationDetails() {}

  /**
   * @param claim the claim as parsed from JSON, or null when absent (the token grants nothing)
   * @throws AuthException naming the detail and what is wrong with it
   */
  static List<Grant> parse(Object claim, MatcherCompiler matchers) throws AuthException {
    if (claim == null) {
      return List.of();
    }
    if (!(claim instanceof List<?> details)) {
      throw invalid("authorization_details is not an array");
    }
    if (details.size() > MAX_DETAILS) {
      throw invalid(
          "authorization_details has "
              + details.size()
              + " entries (expected: <= "
              + MAX_DETAILS
              + ")");
    }
    List<Grant> grants = new ArrayList<>();
    for (int i = 0; i < details.size(); i++) {
      String at = "authorization_details[" + i + "]";
      if (!(details.get(i) instanceof Map<?, ?> detail)) {
        throw invalid(at + " is not an object");
      }
      if (!(detail.get("type") instanceof String type)) {
        throw invalid(at + ".type is missing or not a string");
      }
      if (type.equals(TYPE)) {
        grants.add(grant(at, detail, matchers));
      }
    }
    return grants;
  }

  private static Grant grant(String at, Map<?, ?> detail, MatcherCompiler matchers)
      throws AuthException {
    if (!(detail.get("actions") instanceof List<?> actions) || actions.isEmpty()) {
      throw invalid(at + ".actions is missing, empty or not an array");
    }
    boolean publish = false;
    boolean subscribe = false;
    for (Object action : actions) {
      if (!(action instanceof String name)) {
        throw invalid(at + ".actions contains a non-string value: " + action);
      }
      publish |= name.equals("publish");
      subscribe |= name.equals("subscribe");
    }
    if (!(detail.get("topics") instanceof List<?> topics) || topics.isEmpty()) {
      throw invalid(at + ".topics is missing, empty or not an array");
    }
    if (topics.size() > MAX_TOPICS) {
      throw invalid(
          at + ".topics has " + topics.size() + " entries (expected: <= " + MAX_TOPICS + ")");
    }
    List<TopicSelector> compiled = new ArrayList<>(topics.size());
    for (int j = 0; j < topics.size(); j++) {
      compiled.add(matcher(at + ".topics[" + j + "]", topics.get(j), matchers));
    }
    Object payload = detail.get("payload");
    if (payload != null && !(payload instanceof Map<?, ?>)) {
      throw invalid(at + ".payload is not an object");
    }
    @SuppressWarnings("unchecked") // JSON objects parse to Map<String, Object>
    Map<String, Object> payloadObject = (Map<String, Object>) payload;
    return new Grant(publish, subscribe, compiled, payloadObject);
  }

  private static TopicSelector matcher(String at, Object entry, MatcherCompiler matchers)
      throws AuthException {
    if (!(entry instanceof Map<?, ?> topic)) {
      throw invalid(at + " is not an object");
    }
    if (!(topic.get("match") instanceof String match)) {
      throw invalid(at + ".match is missing or not a string");
    }
    Object typeValue = topic.containsKey("match_type") ? topic.get("match_type") : "exact";
    if (!(typeValue instanceof String type)) {
      throw invalid(at + ".match_type is not a string");
    }
    if (!matchers.types().contains(type)) {
      throw invalid(at + ".match_type: " + type + " (expected one of: " + matchers.types() + ")");
    }
    if (match.isEmpty() || match.length() > MAX_MATCH_LENGTH) {
      throw invalid(
          at
              + ".match has "
              + match.length()
              + " characters (expected: 1 to "
              + MAX_MATCH_LENGTH
              + ")");
    }
    int bad = forbiddenCharacter(match);
    if (bad >= 0) {
      throw invalid(
          at
              + ".match contains U+"
              + String.format("%04X", bad)
              + " (expected: no control or format characters)");
    }
    try {
      return matchers.compile(type, match);
    } catch (IllegalArgumentException e) {
      throw invalid(at + ": " + e.getMessage());
    }
  }

  /** The first C0, DEL, C1 or Unicode format (Cf) code point, or -1; the draft forbids them. */
  static int forbiddenCharacter(String value) {
    for (int i = 0; i < value.length(); ) {
      int c = value.codePointAt(i);
      if (c < 0x20
          || (c >= 0x7F && c <= 0x9F)
          || Character.getType(c) == Character.FORMAT
          || (c >= 0xD800 && c <= 0xDFFF)) { // a lone surrogate is not valid UTF-8
        return c;
      }
      i += Character.charCount(c);
    }
    return -1;
  }

  private static AuthException invalid(String reason) {
    return new AuthException(reason);
  }
}
