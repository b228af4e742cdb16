/**
 * Tracing with OpenTelemetry by the messaging semantic conventions. API: {@link
 * dev.herald.server.trace.Tracing}, which {@code HeraldServer.start} and {@code HeraldNode.start}
 * take. {@code PublishRequestTrace} is public only for the server's publish handler: Not API, it
 * may change without notice.
 */
package dev.herald.server.trace;
