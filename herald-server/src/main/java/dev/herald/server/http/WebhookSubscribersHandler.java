package dev.herald.server.http;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.herald.core.auth.Grants;
import dev.herald.core.topic.TopicSelector;
import dev.herald.server.webhook.DurableWebhooks;
import dev.herald.server.webhook.WebhookSubscription;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;

/**
 * {@code /.well-known/mercure/webhooks[/{name}]}: durable webhook subscribers registered by a
 * publisher. {@code PUT /{name}} with {@code {"url": "https://…", "topics": ["…"]}} registers (or
 * replaces) one, which may receive the private updates the token's {@code mercure.subscribe}
 * grants, as an SSE subscriber with that token would; {@code DELETE /{name}} forgets it and its
 * cursor; {@code GET} lists them (or one) with their cursors. A publisher's token is required.
 *
 * <p>Immutable; runs on the channel's event loop, the store's work on the registry's thread.
 */
final class WebhookSubscribersHandler implements RouteHandler {

  static final String PATH = HubRoutes.HUB_PATH + "/webhooks";

  private final DurableWebhooks subscribers; // null: no --webhook-secret, the API is off
  private final Authorizer authorizer;

  WebhookSubscribersHandler(DurableWebhooks subscribers, Authorizer authorizer) {
    this.subscribers = subscribers;
    this.authorizer = authorizer;
  }

  @Override
  public void handle(Exchange exchange) {
    if (subscribers == null) {
      throw new HttpError(
          HttpResponseStatus.NOT_FOUND,
          "webhook subscribers are off (start the hub with --webhook-secret)");
    }
    Grants grants = authorizer.publisher(exchange);
    String name = name(exchange.path());
    HttpMethod method = exchange.method();
    if (method.equals(HttpMethod.GET)) {
      exchange.respondWhenDone(
          subscribers.list(),
          all -> {
            List<Object> shown = new ArrayList<>();
            for (DurableWebhooks.Registered one : all) {
              if (name == null || one.subscription().name().equals(name)) {
                shown.add(document(one));
              }
            }
            if (name != null && shown.isEmpty()) {
              throw new HttpError(HttpResponseStatus.NOT_FOUND, "no webhook subscriber " + name);
            }
            Object body = name != null ? shown.get(0) : Map.of("webhooks", shown);
            return Responses.json(HttpResponseStatus.OK, JSONObjectUtils.toJSONString(asMap(body)));
          },
          WebhookSubscribersHandler::failure);
      return;
    }
    if (name == null) {
      throw new HttpError(
          HttpResponseStatus.METHOD_NOT_ALLOWED, method + " needs a name: " + PATH + "/{name}");
    }
    if (method.equals(HttpMethod.DELETE)) {
      exchange.respondWhenDone(
          subscribers.unregister(name),
          known -> {
            if (!known) {
              throw new HttpError(HttpResponseStatus.NOT_FOUND, "no webhook subscriber " + name);
            }
            return Responses.text(HttpResponseStatus.OK, "unregistered " + name);
          },
          WebhookSubscribersHandler::failure);
      return;
    }
    WebhookSubscription subscription;
    try {
      WebhookSubscription asked =
          WebhookSubscription.fromJson(
              name, exchange.request().content().toString(java.nio.charset.StandardCharsets.UTF_8));
      List<String> granted = new ArrayList<>();
      for (TopicSelector selector : grants.privateSelectors()) {
        granted.add(selector.raw());
      }
      subscription = new WebhookSubscription(name, asked.url(), asked.topics(), granted);
    } catch (IllegalArgumentException e) {
      throw HttpError.badRequest(e.getMessage());
    }
    exchange.respondWhenDone(
        subscribers.register(subscription),
        registered ->
            Responses.json(
                HttpResponseStatus.OK, JSONObjectUtils.toJSONString(document(registered))),
        WebhookSubscribersHandler::failure);
  }

  /** The name after the collection path, or null for the collection. */
  private static String name(String path) {
    String rest = path.length() > PATH.length() ? path.substring(PATH.length()) : "";
    if (rest.isEmpty() || rest.equals("/")) {
      return null;
    }
    if (rest.charAt(0) != '/' || rest.indexOf('/', 1) >= 0) {
      throw HttpError.notFound(path);
    }
    return rest.substring(1);
  }

  private static Map<String, Object> document(DurableWebhooks.Registered registered) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("name", registered.subscription().name());
    json.put("url", registered.subscription().url().toString());
    json.put("topics", registered.subscription().topics());
    json.put("private", registered.subscription().privateTopics());
    json.put("configured", registered.configured());
    json.put("lastEventId", registered.cursor());
    return json;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> asMap(Object body) {
    return (Map<String, Object>) body;
  }

  private static HttpError failure(Throwable failure) {
    Throwable cause =
        failure instanceof CompletionException && failure.getCause() != null
            ? failure.getCause()
            : failure;
    if (cause instanceof IllegalArgumentException e) {
      return HttpError.badRequest(e.getMessage());
    }
    return HttpError.from(failure, "webhook subscribers");
  }
}
