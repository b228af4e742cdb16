/**
 * The hub's seam for tracing publishes without depending on a tracing library. API: {@link
 * dev.herald.core.trace.PublishTracer} is what {@link dev.herald.core.Hub}'s constructor takes
 * (herald-server's {@code Tracing} provides the OpenTelemetry one).
 */
package dev.herald.core.trace;
