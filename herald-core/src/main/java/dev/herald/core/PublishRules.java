package dev.herald.core;

import java.util.List;
import java.util.Map;

/**
 * How one version of the Mercure protocol turns a publish request's decoded form fields into an
 * {@link Update}, rejecting what that version forbids with a {@link HubException} of kind {@code
 * BAD_REQUEST} whose message names the field, the bad value and what was expected.
 *
 * <p>Every version reads the same fields ({@link PublishForm}); core's own reading, {@link
 * Update#fromForm}, applies only what {@link Update} itself requires. Each protocol dialect of the
 * server holds its version's rules; core knows no version.
 *
 * <p>Implementations are immutable; safe from any thread.
 */
@FunctionalInterface
public interface PublishRules {

  /**
   * The update the form describes.
   *
   * @throws HubException (BAD_REQUEST) if a field breaks this version's rules
   */
  Update toUpdate(Map<String, List<String>> form);
}
