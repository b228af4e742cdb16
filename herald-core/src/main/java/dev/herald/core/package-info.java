/**
 * The hub without a network: {@link dev.herald.core.Hub} sequences, stores and fans out each {@link
 * dev.herald.core.Update}. API for embedders: {@code Hub}, {@code HubConfig}, {@code Update},
 * {@code Event}, {@code HubException} and {@code Readiness}. The other public types here ({@code
 * DiscoveryLink}, {@code EventIds}, {@code PublishForm}, {@code PublishRules}, {@code
 * RateLimitedLog}) are public only for the other Herald modules: Not API, they may change without
 * notice.
 */
package dev.herald.core;
