import dev.herald.client.HeraldPublisher;
import dev.herald.client.HeraldSubscriber;
import dev.herald.client.HmacTokenMinter;
import dev.herald.client.ServerSentEvent;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Publishes an update to a Mercure hub and receives it: {@code java Main HUB_URL JWT_KEY}. */
public final class Main {
  public static void main(String[] args) throws Exception {
    URI hub = URI.create(args[0]);
    HmacTokenMinter key = HmacTokenMinter.hs256(args[1]);
    CompletableFuture<ServerSentEvent> received = new CompletableFuture<>();
    String books = "https://example.com/books/{id}";
    try (HeraldSubscriber subscriber = HeraldSubscriber.builder(hub).topics(books)
        .token(key.subscriber(List.of(books), null)).lastEventId("earliest").start(received::complete)) {
      HeraldPublisher publisher = HeraldPublisher.builder(hub).token(key.publisher(List.of("*"), null)).build();
      String id = publisher.publish("https://example.com/books/1", "{\"stock\":3}");
      ServerSentEvent event = received.get(30, TimeUnit.SECONDS);
      if (!event.id().equals(id)) throw new AssertionError("published " + id + ", received " + event);
      System.out.println("received " + event.id() + ": " + event.data());
    }
  }
}
