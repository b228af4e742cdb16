/**
 * The hub's Micrometer meters, {@code /metrics} and the dashboard's metrics topic. Not API: public
 * only for the server, herald-node and the benchmarks; it may change without notice.
 */
package dev.herald.server.metrics;
