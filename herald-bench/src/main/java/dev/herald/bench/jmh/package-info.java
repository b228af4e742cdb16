/**
 * JMH micro-benchmarks of the hot paths (public because JMH needs it). Not API: a tool, not a
 * library.
 */
package dev.herald.bench.jmh;
