/**
 * Who may subscribe and publish without a token: an application's decider or its HTTP authorization
 * callback. API: {@link dev.herald.server.auth.AccessDecider} and {@link
 * dev.herald.server.auth.CallbackRefusal}; {@code AuthCallback} is public only for the server's
 * assembly: Not API, it may change without notice.
 */
package dev.herald.server.auth;
