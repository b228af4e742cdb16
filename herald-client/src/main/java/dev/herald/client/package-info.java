/**
 * A Java client for any Mercure hub: {@link dev.herald.client.HeraldPublisher} publishes, {@link
 * dev.herald.client.HeraldSubscriber} subscribes like an EventSource and resumes after a drop. API:
 * everything public here is for applications, and keeps its name and behaviour across minor
 * versions.
 */
package dev.herald.client;
