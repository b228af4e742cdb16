/**
 * TLS contexts (ALPN for HTTP/2) and the generated development certificate. Not API: public only
 * for the server and the CLI; it may change without notice.
 */
package dev.herald.server.tls;
