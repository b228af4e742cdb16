/**
 * The WHATWG URL Pattern standard, compiled to RE2/J, for draft-08's {@code urlpattern} topic
 * matches. Not API: public only for {@code dev.herald.core.topic}; it may change without notice.
 */
package dev.herald.core.topic.urlpattern;
