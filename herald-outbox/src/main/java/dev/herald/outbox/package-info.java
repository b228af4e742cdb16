/**
 * The PostgreSQL transactional outbox: applications insert updates in their own transactions, the
 * hub publishes them once committed. API: {@link dev.herald.outbox.OutboxInsert} (for applications)
 * and {@link dev.herald.outbox.OutboxConfig}; {@code OutboxConsumer} is public only for
 * herald-node: Not API, it may change without notice.
 */
package dev.herald.outbox;
