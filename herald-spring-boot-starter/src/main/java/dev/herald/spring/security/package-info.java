/**
 * Spring Security decides who subscribes and publishes on the embedded hub: an application's {@link
 * dev.herald.spring.security.HeraldAccessPolicy} answers a {@link
 * dev.herald.spring.security.HeraldAccessRequest} with {@link
 * dev.herald.spring.security.HeraldGrants}. API: every public type here.
 */
package dev.herald.spring.security;
