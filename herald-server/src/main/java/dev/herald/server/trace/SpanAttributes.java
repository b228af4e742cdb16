package dev.herald.server.trace;

import io.opentelemetry.api.common.AttributeKey;

/**
 * The attribute keys of Herald's spans: OpenTelemetry's semantic conventions (HTTP, messaging)
 * where they have a name, {@code herald.*} where they do not. Constants only.
 */
final class SpanAttributes {

  static final AttributeKey<String> HTTP_REQUEST_METHOD =
      AttributeKey.stringKey("http.request.method");
  static final AttributeKey<String> HTTP_ROUTE = AttributeKey.stringKey("http.route");
  static final AttributeKey<String> URL_PATH = AttributeKey.stringKey("url.path");
  static final AttributeKey<Long> HTTP_RESPONSE_STATUS_CODE =
      AttributeKey.longKey("http.response.status_code");
  static final AttributeKey<String> CLIENT_ADDRESS = AttributeKey.stringKey("client.address");
  static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

  static final AttributeKey<String> MESSAGING_SYSTEM = AttributeKey.stringKey("messaging.system");
  static final AttributeKey<String> MESSAGING_OPERATION_TYPE =
      AttributeKey.stringKey("messaging.operation.type");
  static final AttributeKey<String> MESSAGING_OPERATION_NAME =
      AttributeKey.stringKey("messaging.operation.name");
  static final AttributeKey<String> MESSAGING_DESTINATION_NAME =
      AttributeKey.stringKey("messaging.destination.name");
  static final AttributeKey<String> MESSAGING_MESSAGE_ID =
      AttributeKey.stringKey("messaging.message.id");
  static final AttributeKey<Long> MESSAGING_BATCH_MESSAGE_COUNT =
      AttributeKey.longKey("messaging.batch.message_count");
  static final AttributeKey<String> THREAD_NAME = AttributeKey.stringKey("thread.name");

  /** The value of {@code messaging.system}: the protocol Herald speaks. */
  static final String MERCURE = "mercure";

  static final AttributeKey<Long> TOPIC_COUNT = AttributeKey.longKey("herald.update.topics");
  static final AttributeKey<Boolean> PRIVATE = AttributeKey.booleanKey("herald.update.private");
  static final AttributeKey<Long> SEQUENCE = AttributeKey.longKey("herald.event.sequence");
  static final AttributeKey<String> LOG = AttributeKey.stringKey("herald.log");
  static final AttributeKey<String> AUTHORIZATION = AttributeKey.stringKey("herald.authorization");
  static final AttributeKey<Long> OFFERED = AttributeKey.longKey("herald.fanout.offered");
  static final AttributeKey<Long> CUT_AS_SLOW = AttributeKey.longKey("herald.fanout.cut_slow");

  private SpanAttributes() {}
}
