package dev.herald.server.http;

import dev.herald.core.PublishRules;
import dev.herald.core.dispatch.SubscriptionFormat;
import dev.herald.core.topic.TopicSelector;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * What every draft's dialect holds the same way: its name, where its tokens may come from, its
 * publish rules, the shape of its active subscriptions and the header naming a stream's last event
 * id. Each draft passes its own values and implements what it decides (selectors, verification,
 * rejections). Immutable; safe from any thread.
 */
abstract class DraftDialect implements ProtocolDialect {

  private final String name;
  private final List<TokenLookup.Source> tokenSources;
  private final String cookieName;
  private final PublishRules publishRules;
  private final SubscriptionFormat subscriptionFormat;
  private final String lastEventIdHeader;

  DraftDialect(
      String name,
      List<TokenLookup.Source> tokenSources,
      String cookieName,
      PublishRules publishRules,
      SubscriptionFormat subscriptionFormat,
      String lastEventIdHeader) {
    this.name = name;
    this.tokenSources = List.copyOf(tokenSources);
    this.cookieName = cookieName;
    this.publishRules = publishRules;
    this.subscriptionFormat = subscriptionFormat;
    this.lastEventIdHeader = lastEventIdHeader;
  }

  @Override
  public final String name() {
    return name;
  }

  @Override
  public final List<TokenLookup.Source> tokenSources() {
    return tokenSources;
  }

  @Override
  public final String cookieName() {
    return cookieName;
  }

  @Override
  public final PublishRules publishRules() {
    return publishRules;
  }

  @Override
  public final SubscriptionFormat subscriptionFormat() {
    return subscriptionFormat;
  }

  @Override
  public final String lastEventIdHeader() {
    return lastEventIdHeader;
  }

  /**
   * The selectors of a subscribe request, each built by {@code selector}; a value it refuses is a
   * bad request.
   *
   * @throws HttpError 400 naming the refused value
   */
  static <T> List<TopicSelector> selectors(
      List<T> values, Function<? super T, TopicSelector> selector) {
    List<TopicSelector> selectors = new ArrayList<>(values.size());
    try {
      for (T value : values) {
        selectors.add(selector.apply(value));
      }
    } catch (IllegalArgumentException e) { // includes a URL pattern that does not compile
      throw HttpError.badRequest(e.getMessage());
    }
    return selectors;
  }

  /** {@code rejected} with an RFC 6750 {@code Bearer} challenge of these auth-params. */
  static HttpError challenged(HttpError rejected, String authParams) {
    return rejected.withHeader(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer " + authParams);
  }
}
