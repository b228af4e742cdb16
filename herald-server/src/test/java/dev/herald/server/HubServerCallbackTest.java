package dev.herald.server;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;

/**
 * Every test of {@link HubServerTest} again with an authorization callback in front of the hub:
 * where the tests need a subscriber that may read private updates, it presents a session cookie the
 * application grants instead of a token; tokens elsewhere still decide without the callback.
 */
class HubServerCallbackTest extends HubServerTest {

  private final CallbackApp app = CallbackApp_.create();
  private final AtomicInteger sessions = new AtomicInteger();

  @Override
  ServerConfig.Builder config() {
    return super.config()
        .authCallback(AuthCallbackConfig.of(app.url()).withCookies(List.of(CallbackApp.COOKIE)));
  }

  @Override
  Map<String, String> subscriberCredentials(List<String> subscribe) {
    String session = "s" + sessions.incrementAndGet();
    app.session(session, new CallbackApp.Session(subscribe, List.of(), null));
    return Map.of("Cookie", CallbackApp.COOKIE + "=" + session);
  }

  @AfterEach
  void stopApp() {
    app.close();
  }

  /** Field initializers cannot throw checked exceptions. */
  private static final class CallbackApp_ {
    static CallbackApp create() {
      try {
        return new CallbackApp();
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
  }
}
