/**
 * The Spring Boot starter: a {@link dev.herald.spring.HeraldTemplate} to publish, or a whole hub
 * embedded in the application ({@link dev.herald.spring.EmbeddedHerald}), configured by {@link
 * dev.herald.spring.HeraldProperties} ({@code herald.*}). API: every public type here.
 */
package dev.herald.spring;
