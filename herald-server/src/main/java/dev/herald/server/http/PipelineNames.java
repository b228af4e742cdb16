package dev.herald.server.http;

/** Names of the pipeline handlers, in pipeline order, so handlers can be found and replaced. */
final class PipelineNames {
  public static final String FLUSH_CONSOLIDATION = "flush-consolidation";
  public static final String TLS = "tls";
  public static final String ALPN = "alpn";
  public static final String CLEARTEXT_UPGRADE = "h2c-upgrade";
  public static final String HTTP1_FALLBACK = "http1-fallback";
  public static final String HTTP2_FRAME_CODEC = "h2-frame-codec";
  public static final String HTTP2_DEADLINES = "h2-deadlines";
  public static final String HTTP2_MULTIPLEX = "h2-multiplex";
  public static final String HTTP2_STREAM_CODEC = "h2-stream-codec";
  public static final String HTTP_CODEC = "http-codec";
  public static final String DEADLINES = "deadlines";
  public static final String REQUEST_LIMITS = "request-limits";
  public static final String KEEP_ALIVE = "keep-alive";
  public static final String AGGREGATOR = "aggregator";
  public static final String CORS = "cors";
  public static final String ROUTER = "router";
  public static final String LAST_RESORT = "last-resort";

  private PipelineNames() {}
}
