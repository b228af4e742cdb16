/**
 * The hub's Netty server: HTTP/1.1 and HTTP/2, TLS, the Mercure endpoint and its operations routes.
 * API: {@link dev.herald.server.HeraldServer} and its configuration, {@link
 * dev.herald.server.ServerConfig}, {@link dev.herald.server.Limits}, {@link
 * dev.herald.server.ProtocolConfig} and {@link dev.herald.server.AuthCallbackConfig}.
 */
package dev.herald.server;
