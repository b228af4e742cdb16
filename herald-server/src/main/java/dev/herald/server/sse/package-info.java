/**
 * Event streams on the event loops: an {@code SseStream} per open {@code text/event-stream}
 * response, written in slices by its loop's {@code LoopWriter} and flushed by its {@code
 * FrameWriter}, with its heartbeat, lifetime and token-expiry timers ({@code StreamTimers}); a
 * Netty loop as the hub's delivery loop ({@code NettyDeliveryLoop}), the registry a graceful
 * shutdown ends ({@code OpenStreams}), and the timer of a figure published only while a stream
 * watches it ({@code WatchedTicker}). Not API: public only for the server's HTTP layer and its
 * assembly; it may change without notice.
 */
package dev.herald.server.sse;
