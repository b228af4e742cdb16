/**
 * The {@code herald} command line (picocli): {@code serve} maps its options and their {@code
 * HERALD_*} environment variables onto herald-node's assembly and prints the banner; {@code
 * publish}, {@code subscribe} and {@code token} are small clients of a running hub. Not API: the
 * runnable jar's entry point; its options are documented in the README, its classes may change
 * without notice.
 */
package dev.herald.cli;
