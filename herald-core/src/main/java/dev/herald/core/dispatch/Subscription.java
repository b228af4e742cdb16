package dev.herald.core.dispatch;

/**
 * The answer to a registration: what the response's {@code Last-Event-ID} header must say.
 *
 * @param responseLastEventId the id of the event before the first one replayed, {@code earliest}
 *     when that is unknown or the subscriber asked for everything, or null when the subscriber
 *     asked for no replay (the header is then omitted)
 */
public record Subscription(String responseLastEventId) {}
