package dev.herald.cli;

import dev.herald.client.HeraldClientException;
import dev.herald.client.HeraldSubscriber;
import dev.herald.client.ServerSentEvent;
import dev.herald.client.SubscriptionListener;
import java.io.PrintWriter;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Subscribes to topics with {@link HeraldSubscriber} and prints events as they arrive; it
 * reconnects with backoff and jitter and resumes with {@code Last-Event-ID}, as a browser's {@code
 * EventSource} does. The command's thread waits; the subscriber's thread prints.
 */
@Command(
    name = "subscribe",
    mixinStandardHelpOptions = true,
    description = "Prints a hub's events as they arrive; reconnects and resumes by itself.")
final class SubscribeCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--hub",
      required = true,
      description = "Hub URL, e.g. http://localhost:3000/.well-known/mercure")
  URI hub;

  @Option(names = "--topic", required = true, description = "Topic selector; repeatable.")
  List<String> topics;

  @Option(names = "--last-event-id", description = "Resume after this event id (or 'earliest').")
  String lastEventId;

  @Option(names = "--token", description = "Subscriber JWT (needed for private updates).")
  String token;

  @Option(
      names = "--max-events",
      description = "Exit after this many events (default: run until stopped).")
  Long maxEvents;

  /** The base reconnection delay until the stream sends {@code retry:}; tests shorten it. */
  Duration retry = Duration.ofSeconds(1);

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Printer printer = new Printer(out, err);
    HeraldSubscriber.Builder builder =
        HeraldSubscriber.builder(hub)
            .topics(topics)
            .lastEventId(lastEventId)
            .retry(retry)
            .connectTimeout(Duration.ofSeconds(10));
    if (token != null) {
      builder.token(token);
    }
    HeraldSubscriber subscriber = builder.start(printer);
    try {
      // Until stopped (interrupted), --max-events reached, or an error retrying cannot fix.
      printer.done.await();
    } finally {
      subscriber.close();
    }
    return printer.failed ? 1 : 0;
  }

  /** Prints what the subscriber sees; runs on the subscriber's thread. */
  private final class Printer implements SubscriptionListener {
    private final PrintWriter out;
    private final PrintWriter err;
    final CountDownLatch done = new CountDownLatch(1);
    volatile boolean failed;
    private long received;
    private String resumeFrom = lastEventId;

    Printer(PrintWriter out, PrintWriter err) {
      this.out = out;
      this.err = err;
    }

    @Override
    public void onEvent(ServerSentEvent event) {
      if (maxEvents != null && received >= maxEvents) {
        return; // the command is closing the subscriber
      }
      resumeFrom = event.id();
      out.println("id: " + event.id());
      if (!event.type().equals("message")) {
        out.println("event: " + event.type());
      }
      for (String line : event.data().split("\n", -1)) {
        out.println("data: " + line);
      }
      out.println();
      out.flush();
      received++;
      if (maxEvents != null && received >= maxEvents) {
        done.countDown();
      }
    }

    @Override
    public void onEventsMayBeMissing(String requestedLastEventId) {
      err.println(
          "subscribe: the hub no longer holds "
              + requestedLastEventId
              + "; events published since may be missing");
      err.flush();
    }

    @Override
    public void onDisconnect(HeraldClientException reason, Duration reconnectIn) {
      if (!reason.getMessage().equals("stream ended")) { // a hub's restart needs no comment
        err.println("subscribe: " + reason.getMessage());
      }
      err.println(
          "subscribe: reconnecting in "
              + reconnectIn.toMillis()
              + " ms"
              + (resumeFrom == null || resumeFrom.isEmpty() ? "" : " after " + resumeFrom));
      err.flush();
    }

    @Override
    public void onClosed(HeraldClientException reason) {
      if (reason != null) {
        failed = true;
        err.println("subscribe: " + reason.getMessage());
        err.flush();
      }
      done.countDown();
    }
  }
}
