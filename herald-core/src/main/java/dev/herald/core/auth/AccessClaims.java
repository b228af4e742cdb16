package dev.herald.core.auth;

import dev.herald.core.HubException;
import dev.herald.core.topic.TopicSelector;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a verified draft-08 access token grants: the Mercure authorization details it carries, and
 * who issued it for whom until when.
 *
 * @param issuer the {@code iss} claim, one of the hub's trusted issuers
 * @param subject the {@code sub} claim, or null
 * @param expiresAt the {@code exp} claim (always present: access tokens must expire)
 * @param grants the Mercure authorization details, in token order (order picks the payload)
 *     <p>Thread-safety: immutable; share freely.
 */
public record AccessClaims(String issuer, String subject, Instant expiresAt, List<Grant> grants)
    implements Grants {

  public AccessClaims {
    grants = List.copyOf(grants);
  }

  /**
   * Checks that every topic of an update is covered by a {@code publish} grant, as draft-08
   * requires before anything is dispatched.
   *
   * @throws HubException FORBIDDEN naming the first topic outside the grants (the HTTP layer
   *     answers 403 with {@code error="insufficient_scope"})
   */
  @Override
  public void authorizePublish(List<String> topics) {
    for (String topic : topics) {
      if (!mayPublish(topic)) {
        throw new HubException(
            HubException.Kind.FORBIDDEN,
            "topic: "
                + topic
                + " is not covered by a publish grant of the token's authorization_details");
      }
    }
  }

  @Override
  public boolean publishesAnything() {
    return grants.stream().anyMatch(Grant::publish);
  }

  /** Whether a {@code publish} grant covers {@code topic}. */
  public boolean mayPublish(String topic) {
    for (Grant grant : grants) {
      if (grant.publish() && grant.covers(topic)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether a private update with these topics may be delivered: a {@code subscribe} grant must
   * cover at least one of them (canonical or alternate).
   */
  public boolean mayReceive(List<String> topics) {
    for (Grant grant : grants) {
      if (grant.subscribe()) {
        for (String topic : topics) {
          if (grant.covers(topic)) {
            return true;
          }
        }
      }
    }
    return false;
  }

  /** The matchers of every {@code subscribe} grant, for the dispatcher's private-update check. */
  @Override
  public List<TopicSelector> privateSelectors() {
    List<TopicSelector> matchers = new ArrayList<>();
    for (Grant grant : grants) {
      if (grant.subscribe()) {
        matchers.addAll(grant.topics());
      }
    }
    return List.copyOf(matchers);
  }

  /**
   * The payload attached to a subscription: that of the first {@code subscribe} grant one of whose
   * matchers matches the subscription's own matcher string, treated as a topic.
   *
   * @return the payload object, or null
   */
  public Map<String, Object> payloadFor(String subscriptionMatch) {
    return payloadOf(subscriptionMatch);
  }

  /**
   * One payload per subscriber: that of its first matcher (the hub keeps one payload per
   * connection, while draft-08 allows one per matcher).
   */
  @Override
  public Object payloadFor(List<TopicSelector> selectors) {
    return selectors.isEmpty() ? null : payloadOf(selectors.get(0).raw());
  }

  private Map<String, Object> payloadOf(String subscriptionMatch) {
    for (Grant grant : grants) {
      if (grant.subscribe() && grant.covers(subscriptionMatch)) {
        return grant.payload();
      }
    }
    return null;
  }
}
