/**
 * The hub's serial drain, delivery lanes and subscribers: the {@code Dispatcher} orders, stores and
 * encodes each publish once (through its {@code Sequencer}: a local log or a shared log's tail) and
 * hands every batch to the {@code Lane} of each delivery loop, which matches it against its own
 * {@code SubscriberIndex} and queues it for each {@code Subscriber}; the subscriptions API and
 * presence counts are read from the lanes a bounded page at a time. Not API: public only for the
 * server and the stores (herald-redis's presence); it may change without notice.
 */
package dev.herald.core.dispatch;
