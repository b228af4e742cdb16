package dev.herald.server.http;

import dev.herald.core.dispatch.SubscriptionFormat;
import java.util.List;

/**
 * The shapes of active subscriptions of the protocol drafts this server speaks, for what opens
 * subscribers or reads subscriptions outside a request: the durable webhook subscribers, the
 * cluster's presence (which reads each entry back in the format {@link SubscriptionFormat#name()}
 * names) and embedders. A request's own format is its dialect's ({@code
 * ProtocolDialect.subscriptionFormat()}). Constants; safe from any thread.
 */
public final class SubscriptionFormats {

  /** Draft-07: JSON-LD documents at {@code /subscriptions/{topic}/{subscriber}}. */
  public static final SubscriptionFormat DRAFT_07 = Draft07Subscriptions.INSTANCE;

  /** Draft-08: JSON documents at {@code /subscriptions/{match_type}/{match}/{subscriber}}. */
  public static final SubscriptionFormat DRAFT_08 = Draft08Subscriptions.INSTANCE;

  /** Every draft's format, each with its own {@link SubscriptionFormat#name()}. */
  public static final List<SubscriptionFormat> ALL = List.of(DRAFT_07, DRAFT_08);

  private SubscriptionFormats() {}
}
