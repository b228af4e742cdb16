package dev.herald.examples;

import dev.herald.client.HeraldSubscriber;
import dev.herald.client.ServerSentEvent;
import dev.herald.core.Update;
import dev.herald.core.auth.JwtKey;
import dev.herald.server.HeraldServer;
import dev.herald.server.ServerConfig;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A hub inside a plain Java program: build it, start it, publish from code, stop it. */
public final class EmbeddedHub {

  public static void main(String[] args) throws Exception {
    // 1. Build: every setting has a default; the key signs publisher and subscriber tokens.
    JwtKey key = JwtKey.parse("HS256", "replace-me-with-a-secret-of-32-bytes-or-more");
    ServerConfig config =
        ServerConfig.builder()
            .listen(List.of(new InetSocketAddress("127.0.0.1", 0))) // port 0: any free port
            .publisherKey(key)
            .subscriberKey(key)
            .demo(false) // no /sse demo clock
            .build();

    // 2. Start: binds, and serves /.well-known/mercure until closed.
    try (HeraldServer server = HeraldServer.start(config)) {
      URI hubUrl = URI.create("http://127.0.0.1:" + server.port() + "/.well-known/mercure");

      // 3. Publish from code: no HTTP and no token; the hub stores it and fans it out.
      Update update = Update.of("https://example.com/books/1", "{\"stock\":3}");
      String id = server.hub().publish(update).join().id();
      System.out.println("published " + id);

      // Any Mercure client receives it over SSE; here herald-client, replaying the history.
      CompletableFuture<ServerSentEvent> received = new CompletableFuture<>();
      try (HeraldSubscriber subscriber =
          HeraldSubscriber.builder(hubUrl)
              .topics("https://example.com/books/{id}")
              .lastEventId("earliest")
              .start(received::complete)) {
        ServerSentEvent event = received.get(10, TimeUnit.SECONDS);
        System.out.println("received " + event.id() + ": " + event.data());
      }
    } // 4. Stop: streams end with a retry: hint, accepted publishes finish, the port is freed.
  }
}
