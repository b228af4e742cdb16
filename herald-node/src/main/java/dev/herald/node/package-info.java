/**
 * The one assembly of a hub node (configuration, history or shared log, hub, server) that {@code
 * herald serve}, the Spring starter and embedders use. API: {@link dev.herald.node.HeraldNode},
 * {@link dev.herald.node.NodeConfig}, {@link dev.herald.node.HistoryBackend}, {@link
 * dev.herald.node.RedisBackend} and {@link dev.herald.node.HistoryUnavailableException}.
 */
package dev.herald.node;
