/**
 * Where events are kept for replay. API for embedders: {@link dev.herald.core.history.History} and
 * its {@link dev.herald.core.history.ReplaySource} (to write a store of your own), {@link
 * dev.herald.core.history.MemoryHistory}, and {@link dev.herald.core.history.SharedLog} (a log
 * several hubs share). {@code CursorStore} is public only for herald-node and herald-redis: Not
 * API, it may change without notice.
 */
package dev.herald.core.history;
