package dev.herald.server.limits;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * How often the front door said no: requests and connections rejected, by reason; connections timed
 * out, by phase; accept back-offs. Read by {@code /metrics}. Safe from any thread; counting is one
 * uncontended add.
 */
public final class LimitCounters {

  /** Why a connection or request was turned away; the name is the metric's label. */
  public enum Rejection {
    /** {@code 503}: the hub holds --max-connections. */
    MAX_CONNECTIONS("max_connections"),
    /** {@code 429}: the client's address holds --max-connections-per-address. */
    PER_ADDRESS("per_address"),
    /** {@code 414}: the request line is longer than --max-request-line. */
    REQUEST_LINE("request_line"),
    /** {@code 431}: the header block is larger than --max-header-block. */
    HEADER_BLOCK("header_block"),
    /** Dropped at accept: the process was within a few descriptors of its open-file limit. */
    FILE_DESCRIPTORS("file_descriptors"),
    /** {@code 400}: the request could not be parsed. */
    MALFORMED("malformed");

    private final String label;

    Rejection(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  /** Which phase of a connection ran out of time; the name is the metric's label. */
  public enum Timeout {
    /** No complete request head (or TLS handshake) within --header-timeout. */
    HEADER("header"),
    /** A request body not complete within --body-timeout. */
    BODY("body"),
    /** A kept-alive connection without a request, or an HTTP/2 one without a stream. */
    IDLE("idle");

    private final String label;

    Timeout(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  private final Map<Rejection, LongAdder> rejected = new EnumMap<>(Rejection.class);
  private final Map<Timeout, LongAdder> timedOut = new EnumMap<>(Timeout.class);
  private final LongAdder acceptBackoffs = new LongAdder();
  private final LongAdder acceptFailures = new LongAdder();

  public LimitCounters() {
    for (Rejection reason : Rejection.values()) {
      rejected.put(reason, new LongAdder());
    }
    for (Timeout phase : Timeout.values()) {
      timedOut.put(phase, new LongAdder());
    }
  }

  public void rejected(Rejection reason) {
    rejected.get(reason).increment();
  }

  public void timedOut(Timeout phase) {
    timedOut.get(phase).increment();
  }

  void acceptBackedOff() {
    acceptBackoffs.increment();
  }

  void acceptFailed() {
    acceptFailures.increment();
  }

  public long rejections(Rejection reason) {
    return rejected.get(reason).sum();
  }

  public long timeouts(Timeout phase) {
    return timedOut.get(phase).sum();
  }

  /** Times accepting paused after the socket layer failed to accept (EMFILE, ENFILE...). */
  public long acceptBackoffs() {
    return acceptBackoffs.sum();
  }

  /** Accepts the socket layer failed; at most two per pause, however long the trouble lasts. */
  public long acceptFailures() {
    return acceptFailures.sum();
  }
}
