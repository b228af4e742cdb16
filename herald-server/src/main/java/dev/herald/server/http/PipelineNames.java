package dev.herald.server.http;

/** Names of the pipeline handlers, in pipeline order, so handlers can be found and replaced. */
public final class PipelineNames {
  public static final String HTTP_CODEC = "http-codec";
  public static final String KEEP_ALIVE = "keep-alive";
  public static final String AGGREGATOR = "aggregator";
  public static final String CORS = "cors";
  public static final String ROUTER = "router";

  private PipelineNames() {}
}
