/**
 * Who is subscribed to what, across the hub or a cluster, for subscription events and the
 * subscriptions API. Not API: public only for herald-redis, herald-node and herald-server; it may
 * change without notice.
 */
package dev.herald.core.presence;
