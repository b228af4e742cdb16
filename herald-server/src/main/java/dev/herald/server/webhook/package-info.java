/**
 * Webhooks by the Standard Webhooks specification: signed POSTs of subscription events, and durable
 * webhook subscribers of updates. API: {@link dev.herald.server.webhook.WebhookConfig} and {@link
 * dev.herald.server.webhook.WebhookSubscription}, part of a node's configuration. {@code
 * DurableWebhooks}, {@code WebhookSender} and {@code WebhookSignature} are public only for
 * herald-node: Not API, they may change without notice.
 */
package dev.herald.server.webhook;
