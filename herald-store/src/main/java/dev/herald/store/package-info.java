/**
 * The durable history: SQLite, one writer, bounded by count, bytes and age. API: {@link
 * dev.herald.store.SqliteHistory}, {@link dev.herald.store.StoreConfig}, {@link
 * dev.herald.store.Fsync} and {@link dev.herald.store.StoreException}.
 */
package dev.herald.store;
