/**
 * The HTTP layer: the route table and one handler per concern, the {@code Authorizer}, the one
 * error type ({@code HttpError}) and response builder, and the protocol dialects. Everything that
 * differs between Mercure drafts lives here, with its dialect: {@code Draft07} and {@code Draft08}
 * (over {@code DraftDialect}), chosen per request by {@code ProtocolDialects}, with their publish
 * rules ({@code Draft08PublishRules}) and active-subscription formats ({@code
 * Draft07Subscriptions}, {@code Draft08Subscriptions}, over {@code DraftSubscriptions});
 * herald-core only calls the seams they implement. The public types here ({@code HttpError}, {@code
 * HttpPipelines}, {@code HubRoutes}, {@code RouteGroup}, {@code ServerInfo}, {@code
 * SubscriptionFormats}) are public only for the server's other packages and Herald's other modules:
 * Not API, they may change without notice.
 */
package dev.herald.server.http;
