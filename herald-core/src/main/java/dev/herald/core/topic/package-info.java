/**
 * Topic selectors (exact, {@code *}, URI templates, URL patterns) and their bounded match caches.
 * Not API: public only for the server's edge and the dispatcher; it may change without notice.
 */
package dev.herald.core.topic;
