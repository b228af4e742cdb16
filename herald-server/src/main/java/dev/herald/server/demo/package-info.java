/**
 * The {@code /sse} demo clock. Not API: public only for the server's routes; it may change without
 * notice.
 */
package dev.herald.server.demo;
