/**
 * The load generator and the webhook isolation check, run from the command line. Not API: a tool,
 * not a library.
 */
package dev.herald.bench;
