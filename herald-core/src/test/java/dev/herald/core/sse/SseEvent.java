package dev.herald.core.sse;

/**
 * One dispatched server-sent event as a client sees it. {@code type} is "message" when the stream
 * named none. Immutable; safe from any thread.
 */
public record SseEvent(String id, String type, String data, Long retry) {}
