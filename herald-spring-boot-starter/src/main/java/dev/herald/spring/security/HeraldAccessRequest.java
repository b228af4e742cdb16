package dev.herald.spring.security;

import java.util.List;

/**
 * What a request to the embedded hub asks for.
 *
 * @param publish true for a publish, false for a subscribe
 * @param topics the topic selectors of a subscribe, the topics of an update to publish
 * @param origin the request's {@code Origin} header, or null
 *     <p>Immutable.
 */
public record HeraldAccessRequest(boolean publish, List<String> topics, String origin) {

  public HeraldAccessRequest {
    topics = List.copyOf(topics);
  }
}
