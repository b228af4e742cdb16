package dev.herald.core.topic;

import dev.herald.core.topic.urlpattern.UrlPattern;
import dev.herald.core.topic.urlpattern.WhatwgUrl;
import java.util.Optional;

/**
 * A Mercure draft-08 {@code urlpattern} selector: a WHATWG URL pattern, resolved against the hub
 * URL like the topics it is matched with. A topic that does not parse as a URL never matches.
 *
 * <p>The pattern's regular expressions run in linear time (RE2/J), whatever the subscriber wrote.
 * Matching one topic against many patterns parses the topic once per thread: the last parse is kept
 * in a one-entry thread-local slot.
 *
 * <p>Immutable; safe from any thread.
 */
final class UrlPatternSelector implements TopicSelector {

  /** The last topic this thread parsed, against which base. */
  private record LastParse(String topic, String baseUrl, Optional<WhatwgUrl> url) {}

  private static final ThreadLocal<LastParse> LAST_PARSE = new ThreadLocal<>();

  private final String raw;
  private final String baseUrl;
  private final WhatwgUrl base;
  private final UrlPattern pattern;
  private final String indexKeyPrefix;
  private final String indexKeySuffix;

  UrlPatternSelector(String raw, String baseUrl) {
    this.raw = raw;
    this.baseUrl = baseUrl;
    this.pattern = UrlPattern.compile(raw, baseUrl);
    // compile has just parsed the same base successfully.
    this.base = WhatwgUrl.parse(baseUrl, (WhatwgUrl) null).orElseThrow();
    this.indexKeyPrefix = pattern.literalPrefix();
    this.indexKeySuffix = pattern.literalSuffix();
  }

  @Override
  public String raw() {
    return raw;
  }

  @Override
  public Kind kind() {
    return Kind.URL_PATTERN;
  }

  /** The hub URL relative patterns and topics are resolved against. */
  String baseUrl() {
    return baseUrl;
  }

  @Override
  public boolean matches(String topic) {
    Optional<WhatwgUrl> url = parse(topic);
    return url.isPresent() && pattern.test(url.get());
  }

  /** Null: a matching topic may be relative, or spell its scheme and host in upper case. */
  @Override
  public String literalPrefix() {
    return null;
  }

  @Override
  public String indexKeyPrefix() {
    return indexKeyPrefix;
  }

  @Override
  public String indexKeySuffix() {
    return indexKeySuffix;
  }

  /** The hub URL: {@link #indexKey} resolves the topic against it. */
  @Override
  public String indexKeyBase() {
    return baseUrl;
  }

  /** The topic as a URL, {@code scheme://host[:port]/path}; empty when it is not one. */
  @Override
  public String indexKey(String topic) {
    return parse(topic).map(UrlPattern::indexKey).orElse("");
  }

  private Optional<WhatwgUrl> parse(String topic) {
    LastParse last = LAST_PARSE.get();
    if (last != null && last.topic().equals(topic) && last.baseUrl().equals(baseUrl)) {
      return last.url();
    }
    Optional<WhatwgUrl> url = WhatwgUrl.parse(topic, base);
    LAST_PARSE.set(new LastParse(topic, baseUrl, url));
    return url;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof UrlPatternSelector that
        && raw.equals(that.raw)
        && baseUrl.equals(that.baseUrl);
  }

  @Override
  public int hashCode() {
    return raw.hashCode() * 31 + baseUrl.hashCode();
  }

  @Override
  public String toString() {
    return "urlpattern:" + raw;
  }
}
