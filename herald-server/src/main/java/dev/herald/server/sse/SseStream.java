package dev.herald.server.sse;

import dev.herald.core.Event;
import dev.herald.core.Hub;
import dev.herald.core.dispatch.DeliveryLoop;
import dev.herald.core.dispatch.Subscriber;
import dev.herald.core.dispatch.Subscription;
import dev.herald.core.sse.MatchField;
import dev.herald.core.sse.SseFrame;
import dev.herald.server.metrics.LatencyRecorder;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One open {@code text/event-stream} response fed by a hub subscriber.
 *
 * <p>Events waiting for the subscriber are copied into one buffer per batch and written while the
 * channel is writable, so a backlog costs one write system call per batch, not one per event; when
 * the channel stops being writable, draining stops until Netty says it is writable again.
 *
 * <p>Runs on the channel's event loop; must not block. Its subscriber is fed by the hub's lane for
 * the same loop, which wakes it through {@code execute}: a task on its own loop, no cross-thread
 * wake-up; only a replay's history reads wake it from another thread.
 */
public final class SseStream {

  /**
   * Heartbeats in a row at which the connection was still full before the stream is taken for dead:
   * about two heartbeat intervals after its client stopped reading.
   */
  static final int STALLED_BEATS = 2;

  /** Events copied into one write at most; bounds the size of a single batch buffer. */
  private static final int MAX_BATCH_EVENTS = 128;

  private final ChannelHandlerContext ctx;
  private final Hub hub;
  private final Subscriber subscriber;
  private final long heartbeatNanos;
  private final Runnable onClose;
  private final Options options;
  private final OpenStreams registry;
  // Allocated once, not per wake-up or per drain: these run for every event.
  private final Runnable drainTask = this::drain;
  private final Consumer<Event> appender = this::append;
  private final LatencyRecorder latency;

  /** Whether each event carries the {@link MatchField} (herald.js asks for it). */
  private final boolean matchField;

  /**
   * Events published before the stream opened are replays (or were waiting for it): their age is
   * not delivery latency, so only later ones are measured.
   */
  private final long openedNanos = System.nanoTime();

  /** When the batch being built will be written; one clock read per batch, not per event. */
  private long batchNanos;

  private ByteBuf batch;
  private FrameWriter writer;
  private long lastWriteNanos;
  private ScheduledFuture<?> heartbeatTask;
  private ScheduledFuture<?> expiryTask;
  private ScheduledFuture<?> renewalTask;
  private ScheduledFuture<?> lifetimeTask;
  private boolean streaming;
  private boolean closed;

  /** Heartbeats in a row that found the connection unwritable: its client stopped reading. */
  private int stalledBeats;

  /**
   * What the stream needs to answer its request once its subscriber is registered, resolved by the
   * edge before the stream is built.
   */
  public record Options(
      String lastEventIdHeader,
      Instant expiresAt,
      StreamTimers timers,
      byte[] greeting,
      HttpHeaders extraHeaders,
      Clock clock,
      OpenStreams registry,
      LatencyRecorder latency,
      Runnable onClose,
      boolean matchField) {}

  /**
   * Builds the stream's hub subscriber: what it subscribes to is the edge's (selectors, grants,
   * protocol draft), where it is delivered and what wakes it are the stream's. Called once, by the
   * stream's constructor: the subscriber and the stream then hold each other in final fields, so
   * the delivery path reads no volatile and allocates nothing to reach the other.
   */
  @FunctionalInterface
  public interface SubscriberFactory {
    Subscriber create(DeliveryLoop loop, Runnable wakeup);
  }

  /**
   * A stream not yet answered: register {@link #subscriber()} with the hub, then {@link #start} the
   * stream once it is registered, or close it when the registration fails. Event loop only.
   *
   * @throws dev.herald.core.HubException when {@code subscribers} refuses the selectors
   */
  public SseStream(
      ChannelHandlerContext ctx, Hub hub, SubscriberFactory subscribers, Options options) {
    this.ctx = ctx;
    this.hub = hub;
    // The hub wakes the stream only after registration, when construction is long over. Its
    // events are matched and queued on this connection's loop, by the loop's lane of the hub.
    this.subscriber = subscribers.create(new NettyDeliveryLoop(ctx.executor()), this::wake);
    this.options = options;
    // One interval per stream, drawn once: streams opened together then beat at different times.
    this.heartbeatNanos = options.timers().heartbeatNanos();
    this.onClose = options.onClose();
    this.registry = options.registry();
    this.latency = options.latency().forCurrentThread(); // built on its loop: the loop's own
    this.matchField = options.matchField();
  }

  /** The subscriber to register with the hub; the stream unsubscribes it when it closes. */
  public Subscriber subscriber() {
    return subscriber;
  }

  /**
   * The hub registered the subscriber: sends the response headers, the greeting and any replayed
   * events, then what arrives live. Nothing when the connection closed meanwhile. Event loop only.
   */
  public void start(Subscription subscription) {
    if (closed) {
      return;
    }
    HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    HttpHeaders headers = response.headers();
    headers
        .set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream")
        .set(
            HttpHeaderNames.CACHE_CONTROL,
            "private, no-cache, no-store, must-revalidate, max-age=0")
        .set("X-Accel-Buffering", "no")
        .set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED)
        .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
    if (subscription.responseLastEventId() != null) {
      headers.set(options.lastEventIdHeader(), subscription.responseLastEventId());
    }
    headers.add(options.extraHeaders());
    ctx.write(response);
    writer = FrameWriter.takeOver(ctx); // the headers went through the codec; from here on, frames
    writer.writeBytes(options.greeting());
    streaming = true;
    registry.add(this);
    markWritten();
    if (heartbeatNanos > 0) {
      scheduleHeartbeat(heartbeatNanos);
    }
    if (options.expiresAt() != null) {
      long remaining = Duration.between(options.clock().instant(), options.expiresAt()).toNanos();
      // The protocol says the hub MUST close the connection when the token expires; tokens
      // minted together are closed over a short window before, not all at the same instant.
      long closeDelay = options.timers().expiryDelayNanos(remaining);
      expiryTask = ctx.executor().schedule(this::end, closeDelay, TimeUnit.NANOSECONDS);
      long renewalDelay = options.timers().renewalDelayNanos(closeDelay);
      if (renewalDelay > 0) {
        long closesInMillis = TimeUnit.NANOSECONDS.toMillis(closeDelay - renewalDelay);
        renewalTask =
            ctx.executor()
                .schedule(
                    () -> announceRenewal(closesInMillis), renewalDelay, TimeUnit.NANOSECONDS);
      }
    }
    long lifetime = options.timers().lifetimeNanos();
    if (lifetime > 0) {
      // The client resumes with Last-Event-ID, perhaps on another node after a scale-out.
      lifetimeTask = ctx.executor().schedule(this::end, lifetime, TimeUnit.NANOSECONDS);
    }
    drain();
    writer.flush();
  }

  /** The loop's lane or the read executor: events are waiting, drain them on the event loop. */
  private void wake() {
    if (ctx.executor().inEventLoop()) {
      LoopWriter.of(ctx.executor()).add(this);
    } else {
      ctx.executor().execute(drainTask);
    }
  }

  /** Whether another thread works on the hub's order now (see {@link Hub#ordering()}). */
  boolean hubOrdering() {
    return hub.ordering();
  }

  /** Writes what is waiting while the channel is writable. Event loop only. */
  public void drain() {
    if (!streaming || closed) {
      return;
    }
    boolean wrote = false;
    while (ctx.channel().isWritable()) {
      batchNanos = System.nanoTime();
      int handed = subscriber.drainTo(appender, MAX_BATCH_EVENTS);
      if (handed == 0) {
        break;
      }
      writer.write(batch);
      batch = null;
      wrote = true;
    }
    if (wrote) {
      markWritten();
      writer.flush();
    }
    if (subscriber.mustReconnect() || subscriber.replayFailure() != null) {
      end();
    } else if (ctx.channel().isWritable()) {
      subscriber.idle();
    }
  }

  private void append(Event event) {
    byte[] frame = event.frame();
    long published = event.publishedNanos();
    // nanoTime values are compared by difference (they may be negative); 0 means unknown.
    if (published != 0 && published - openedNanos >= 0) {
      latency.record(batchNanos - published);
    }
    if (batch == null) {
      batch = writer.newBatch(frame.length);
    }
    byte[] match =
        matchField ? MatchField.line(subscriber.topics(), event.update().topics()) : null;
    if (match == null) {
      batch.writeBytes(frame);
    } else {
      // The shared frame, with this subscriber's few bytes before its closing blank line.
      batch.writeBytes(frame, 0, MatchField.bodyLength(frame)).writeBytes(match).writeByte('\n');
    }
  }

  /** Ends the response and closes the connection; the client reconnects with Last-Event-ID. */
  public void end() {
    if (closed) {
      return;
    }
    closeQuietly();
    if (writer == null) {
      ctx.close(); // ended before its headers went out
    } else if (ctx.channel().isActive()) {
      writer.endAndClose();
    }
  }

  /**
   * Ends the stream after telling the client when to reconnect. Any thread: runs on the stream's
   * event loop.
   */
  public void endWithRetry(long retryMillis) {
    ctx.executor()
        .execute(
            () -> {
              if (!closed && writer != null && ctx.channel().isActive()) {
                writer.writeBytes(SseFrame.retry(retryMillis));
              }
              end();
            });
  }

  /**
   * The connection is gone, or the hub refused the subscriber: release the subscriber and the
   * timers. Idempotent.
   *
   * @return whether this call closed the stream (false: it was closed already)
   */
  public boolean closeQuietly() {
    if (closed) {
      return false;
    }
    closed = true;
    registry.remove(this);
    hub.unsubscribe(subscriber);
    if (heartbeatTask != null) {
      heartbeatTask.cancel(false);
    }
    if (expiryTask != null) {
      expiryTask.cancel(false);
    }
    if (renewalTask != null) {
      renewalTask.cancel(false);
    }
    if (lifetimeTask != null) {
      lifetimeTask.cancel(false);
    }
    if (batch != null) {
      batch.release();
      batch = null;
    }
    onClose.run();
    return true;
  }

  /**
   * Tells the client its token expires soon ({@link SseFrame#renewal}), so it can reconnect with a
   * fresh one before the close; a full socket skips it (the close still comes, and the client
   * resumes then).
   */
  private void announceRenewal(long closesInMillis) {
    if (!closed && ctx.channel().isWritable()) {
      writer.writeBytes(SseFrame.renewal(closesInMillis));
      writer.flush();
      markWritten();
    }
  }

  /** On the event loop's own clock, which the heartbeat timer runs on (and tests simulate). */
  private void markWritten() {
    lastWriteNanos = ctx.executor().ticker().nanoTime();
  }

  private void scheduleHeartbeat(long delayNanos) {
    heartbeatTask = ctx.executor().schedule(this::heartbeat, delayNanos, TimeUnit.NANOSECONDS);
  }

  private void heartbeat() {
    if (closed) {
      return;
    }
    if (subscriber.mustReconnect()) {
      end(); // a consumer so slow the socket stayed full: do not wait for it to drain
      return;
    }
    long idle = ctx.executor().ticker().nanoTime() - lastWriteNanos;
    if (idle >= heartbeatNanos) {
      if (ctx.channel().isWritable()) {
        stalledBeats = 0;
        writer.writeBytes(SseFrame.HEARTBEAT);
        writer.flush();
      } else if (++stalledBeats >= STALLED_BEATS) {
        // Nothing drained for two heartbeats: the client stopped reading, or its packets are
        // dropped. Closed, not ended: an end would wait behind what cannot drain.
        ctx.channel().close();
        return;
      }
      markWritten();
      scheduleHeartbeat(heartbeatNanos);
    } else {
      scheduleHeartbeat(heartbeatNanos - idle); // an event went out since: idle from then on
    }
  }
}
