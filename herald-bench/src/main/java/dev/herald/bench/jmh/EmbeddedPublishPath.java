package dev.herald.bench.jmh;

import dev.herald.core.Hub;
import dev.herald.core.HubConfig;
import dev.herald.core.auth.JwtKey;
import dev.herald.core.auth.TokenMinter;
import dev.herald.server.ServerConfig;
import dev.herald.server.http.HttpError;
import dev.herald.server.http.HttpPipelines;
import dev.herald.server.http.HubRoutes;
import dev.herald.server.limits.FrontDoor;
import dev.herald.server.limits.LimitCounters;
import dev.herald.server.metrics.HubMetrics;
import dev.herald.server.sse.OpenStreams;
import dev.herald.server.trace.Tracing;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;

/**
 * The server's publish path without sockets: the pipeline every plain listener installs (HTTP/1.1
 * codec, keep-alive, aggregator, CORS, router), on an {@link EmbeddedChannel}, publishing to a
 * memory-history hub with no subscriber. One {@link #publish} writes a complete keep-alive {@code
 * POST} (bearer token, form body) in and reads its {@code 200} out: what a publisher's connection
 * costs the hub per publish, the fan-out aside.
 *
 * <p>Threading: one thread calls everything (an embedded channel runs its loop on the caller).
 */
final class EmbeddedPublishPath implements AutoCloseable {

  private static final String SECRET = "a-benchmark-secret-that-is-long-enough-for-hs256";

  /** Request bytes, one per topic, cycled through: topics are as distinct as a real hub's. */
  private final byte[][] requests;

  private final Hub hub;
  private final HubMetrics metrics;
  private final HubRoutes routes;
  private final EmbeddedChannel channel;
  private int next;

  /**
   * @param shape {@code lg}: what the load generator publishes (a percent-encoded URL topic, a
   *     timestamp-like data); {@code json1k}: the same topic and 1 KiB of percent-encoded JSON
   * @param topics distinct topics cycled through
   * @param origin the request's {@code Origin} (answered with CORS headers), or null for none
   */
  EmbeddedPublishPath(String shape, int topics, String origin) {
    JwtKey key = JwtKey.parse("HS256", SECRET);
    Clock clock = Clock.systemUTC();
    ServerConfig config =
        ServerConfig.builder()
            .publisherKey(key)
            .subscriberKey(key)
            .anonymous(false)
            .demo(false)
            .ui(false)
            .corsOrigins(origin == null ? List.of() : List.of(origin))
            .hub(HubConfig.DEFAULTS.withHistorySize(1_000))
            .build();
    hub = new Hub(config.hub());
    LimitCounters counters = new LimitCounters();
    OpenStreams streams = new OpenStreams();
    metrics = HubMetrics.create(hub, () -> 1, streams::size, streams::opened, counters, null);
    routes = HubRoutes.create(hub, config, null, metrics, null, streams, clock, Tracing.OFF);
    HttpPipelines pipelines =
        new HttpPipelines(routes, new FrontDoor(config.limits(), counters, HttpError::refusal));
    channel = new EmbeddedChannel(pipelines.cleartext());

    String token = TokenMinter.mint(key, List.of("*"), null, null, null, clock);
    String data =
        switch (shape) {
          case "lg" -> "lgts1234567890123456";
          case "json1k" -> SseEncodeBenchmark.json(1024, false);
          default ->
              throw new IllegalArgumentException("shape: " + shape + " (expected: lg or json1k)");
        };
    requests = new byte[topics][];
    for (int t = 0; t < topics; t++) {
      String form =
          "topic="
              + URLEncoder.encode("https://example.com/t/" + t, StandardCharsets.UTF_8)
              + "&data="
              + URLEncoder.encode(data, StandardCharsets.UTF_8);
      requests[t] =
          ("POST /.well-known/mercure HTTP/1.1\r\n"
                  + "Host: 127.0.0.1\r\n"
                  + (origin == null ? "" : "Origin: " + origin + "\r\n")
                  + "Authorization: Bearer "
                  + token
                  + "\r\n"
                  + "Content-Type: application/x-www-form-urlencoded\r\n"
                  + "Content-Length: "
                  + form.length()
                  + "\r\n\r\n"
                  + form)
              .getBytes(StandardCharsets.US_ASCII);
    }
  }

  /**
   * One publish, request in and answer out.
   *
   * @return the answer's bytes (status line, headers, the event's id), released by the caller
   * @throws IllegalStateException if the hub did not answer within the read
   */
  ByteBuf publish() {
    byte[] request = requests[next];
    next = next + 1 == requests.length ? 0 : next + 1;
    ByteBuf in = ByteBufAllocator.DEFAULT.directBuffer(request.length).writeBytes(request);
    channel.writeInbound(in);
    ByteBuf answer = channel.readOutbound();
    if (answer == null) {
      channel.runPendingTasks();
      answer = channel.readOutbound();
      if (answer == null) {
        throw new IllegalStateException("no answer to the publish");
      }
    }
    ByteBuf more;
    while ((more = channel.readOutbound()) != null) {
      answer = Unpooled.wrappedBuffer(answer, more);
    }
    return answer;
  }

  @Override
  public void close() {
    channel.finishAndReleaseAll();
    routes.close();
    metrics.close();
    hub.close();
  }
}
