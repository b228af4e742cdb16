/**
 * Tokens: minting, verifying and what they grant. API for embedders: {@link
 * dev.herald.core.auth.JwtKey}, {@link dev.herald.core.auth.SigningKey}, {@link
 * dev.herald.core.auth.TokenMinter} and {@link dev.herald.core.auth.Claims} (what a token or an
 * application's decider grants). The other public types are public only for herald-server's edge
 * (the protocol drafts' token formats, key sources, verifiers): Not API, they may change without
 * notice.
 */
package dev.herald.core.auth;
