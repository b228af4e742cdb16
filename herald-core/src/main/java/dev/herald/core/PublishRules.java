package dev.herald.core;

import java.util.List;
import java.util.Map;

/**
 * How one version of the Mercure protocol turns a publish request's decoded form fields into an
 * {@link Update}, rejecting what that version forbids with a {@link HubException} of kind {@code
 * BAD_REQUEST} whose message names the field, the bad value and what was expected.
 *
 * <p>Both versions read the same fields ({@code topic} repeated, the others at most once, unknown
 * fields ignored); they differ only in what they accept:
 *
 * <ul>
 *   <li>{@link #draft07()}: the rules Herald has always applied, which the {@link Update}
 *       constructor enforces (no CR, LF or NUL in {@code id} or {@code type}, an {@code id} not
 *       starting with {@code #} nor {@code earliest}, a {@code retry} that is a non-negative
 *       number).
 *   <li>{@link #draft08(String)}: those, and no control or format characters in topics, ids and
 *       types; no topic {@code *} and none inside the hub's reserved namespace (the hub URL's path
 *       and below, after resolution and normalization); no {@code type} {@code mercure}; a {@code
 *       retry} of ASCII digits only.
 * </ul>
 *
 * <p>Immutable; safe from any thread.
 */
public sealed interface PublishRules permits Draft07PublishRules, Draft08PublishRules {

  /**
   * The update the form describes.
   *
   * @throws HubException (BAD_REQUEST) if a field breaks this version's rules
   */
  Update toUpdate(Map<String, List<String>> form);

  static PublishRules draft07() {
    return Draft07PublishRules.INSTANCE;
  }

  /**
   * The draft-08 rules for a hub served at {@code hubUrl} (such as {@code
   * https://example.com/.well-known/mercure}), whose path subtree is reserved for the hub.
   *
   * @throws IllegalArgumentException if {@code hubUrl} is not an absolute URL
   */
  static PublishRules draft08(String hubUrl) {
    return new Draft08PublishRules(hubUrl);
  }
}
