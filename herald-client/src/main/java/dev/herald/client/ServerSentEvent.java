package dev.herald.client;

/**
 * One event as an {@code EventSource} dispatches it.
 *
 * @param id the stream's last event id when the event was dispatched (what a reconnection sends
 *     back as {@code Last-Event-ID}); empty if the stream never set one
 * @param type the event type, {@code message} unless the stream named one
 * @param data the data lines joined with LF
 *     <p>Immutable; safe from any thread.
 */
public record ServerSentEvent(String id, String type, String data) {}
