package dev.herald.server.auth;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.herald.core.auth.Claims;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;

/**
 * The application's say on a request that carries no valid token: the one seam the hub's authorizer
 * asks, implemented by the HTTP {@link AuthCallback} and, in an embedding application, by its own
 * code (the Spring starter's Spring Security decider). Its grants are claims like a token's; its
 * refusals are {@link CallbackRefusal}s. Implementations are safe from any thread and never block
 * the caller: {@link #decide} returns at once and completes later, on a thread of its own.
 */
public interface AccessDecider extends AutoCloseable {

  /** What is asked. */
  enum Action {
    /** Open a stream on the question's topic selectors. */
    SUBSCRIBE,
    /** Publish an update to the question's topics. */
    PUBLISH;

    /** The action's name in the callback's request and in metrics. */
    public String label() {
      return this == SUBSCRIBE ? "subscribe" : "publish";
    }
  }

  /**
   * One question: who asks (the forwarded identity) and what for.
   *
   * @param action what the requester wants to do
   * @param topics the selectors of a subscribe, the topics of an update to publish
   * @param protocol the dialect the request speaks, e.g. {@code draft-07}
   * @param cookies the forwarded cookies by name (only those {@link #forwardedCookies})
   * @param authorization the {@code Authorization} header, or null
   * @param origin the {@code Origin} header, or null
   * @param remoteAddress the client's IP address, or null
   */
  record Question(
      Action action,
      List<String> topics,
      String protocol,
      Map<String, String> cookies,
      String authorization,
      String origin,
      String remoteAddress) {

    public Question {
      topics = List.copyOf(topics);
      cookies = Map.copyOf(cookies);
    }

    /** The question as the callback's JSON contract writes it (README). */
    public Map<String, Object> json() {
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("action", action.label());
      json.put("topics", topics);
      json.put("protocol", protocol);
      json.put("cookies", new TreeMap<>(cookies));
      json.put("authorization", authorization);
      json.put("origin", origin);
      json.put("remote_address", remoteAddress);
      return json;
    }

    /** Identity and question together: a cached grant answers exactly this question again. */
    String key() {
      return JSONObjectUtils.toJSONString(json());
    }
  }

  /**
   * The grants for {@code question}: completes with claims, or fails with a {@link CallbackRefusal}
   * (401, 403, or 503 when the application cannot decide). Never blocks.
   */
  CompletionStage<Claims> decide(Question question);

  /** The request cookies the decision needs (e.g. the session cookie); no other is forwarded. */
  List<String> forwardedCookies();

  /** Whether even a request with a valid token is decided here (its token then ignored). */
  boolean decidesEveryRequest();

  /** Stops what the decider runs in the background; nothing by default. */
  @Override
  default void close() {}
}
