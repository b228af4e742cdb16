package dev.herald.core.auth;

import dev.herald.core.topic.TopicSelector;
import java.time.Instant;
import java.util.List;

/**
 * What a verified token allows, whichever protocol version it came in: the draft-07 {@code mercure}
 * claim ({@link Claims}) or draft-08 authorization details ({@link AccessClaims}). The hub and the
 * HTTP layer ask these questions and never which version answered them.
 *
 * <p>Thread-safety: implementations are immutable.
 */
public sealed interface Grants permits Claims, AccessClaims {

  /** When the token expires, or null for a draft-07 token without {@code exp}. */
  Instant expiresAt();

  /**
   * Selectors of the topics whose private updates may be received: a private update is delivered
   * when one of them matches one of its topics.
   *
   * @throws IllegalArgumentException if a draft-07 selector is empty (the token is invalid)
   */
  List<TopicSelector> privateSelectors();

  /** The payload attached to a subscription made of {@code selectors}, or null. */
  Object payloadFor(List<TopicSelector> selectors);

  /**
   * Checks that every topic of an update may be published.
   *
   * @throws dev.herald.core.HubException FORBIDDEN naming the first topic outside the grants
   */
  void authorizePublish(List<String> topics);

  /** Whether the token may publish at all (some topic): what a publisher-only read requires. */
  boolean publishesAnything();
}
