/**
 * An event's Server-Sent Events bytes, encoded once per update and shared by every subscriber. Not
 * API: public only for the server and the stores; it may change without notice.
 */
package dev.herald.core.sse;
