package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.MACSigner;
import dev.herald.core.auth.JwtKey;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Upstream's conformance expectations (dunglas/mercure {@code conformance-tests/mercure.spec.ts}:
 * draft-08 at 192faaa, 10 cases; draft-07 before 71f2929, 11 cases), all against ONE hub process
 * configured as the README says, from a page of that hub in Chromium: an EventSource subscribes,
 * the page publishes with upstream's token claims (HS256, the suites' secret), and the update must
 * arrive, with a {@code 200 text/plain} answer whose body is the custom id ({@code CUSTOM_ID=1}),
 * or must not. Where upstream waits 2 s for "not received", this test publishes a public sentinel
 * the subscription matches right after the update: updates arrive in publish order, so the sentinel
 * arriving first proves the update was not delivered, without a wall-clock wait.
 *
 * <p>Runs on the JUnit thread; the dynamic tests of the factory share one hub.
 */
class ConformanceBrowserTest extends BrowserTestBase {

  static final String UPSTREAM_SECRET = "!ChangeThisMercureHubJWTSecretKey!";
  static final String RESOURCE = "https://localhost/.well-known/mercure";
  static final String ISSUER = "https://localhost";

  /** One case of a suite: what is subscribed, what is published, whether it must arrive. */
  record Case(
      String name,
      List<String> updateTopics,
      List<String> selectors,
      boolean mustBeReceived,
      boolean isPrivate) {}

  @Override
  ServerConfig.Builder config() {
    JwtKey key = JwtKey.parse("HS256", UPSTREAM_SECRET);
    return super.config()
        .publisherKey(key)
        .subscriberKey(key)
        .corsOrigins(List.of("*"))
        .protocols(
            ProtocolConfig.DEFAULTS
                .withResourceId(RESOURCE)
                .withIssuers(List.of(ISSUER + "=" + UPSTREAM_SECRET)));
  }

  static String random() {
    byte[] bytes = new byte[20];
    new SecureRandom().nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  static List<Case> draft08() {
    String[] r = {random(), random(), random(), random(), random()};
    return List.of(
        new Case("raw string", List.of(r[0]), List.of(r[0]), true, false),
        new Case("multiple topic selectors", List.of(r[2]), List.of("foo", r[2]), true, false),
        new Case(
            "URI",
            List.of("https://example.net/foo/" + r[3]),
            List.of("https://example.net/foo/" + r[3]),
            true,
            false),
        new Case(
            "URL pattern",
            List.of("https://example.net/foo/" + r[4]),
            List.of("https://example.net/foo/:random"),
            true,
            false),
        new Case(
            "nonmatching raw string",
            List.of("will-not-match"),
            List.of("another-name"),
            false,
            false),
        new Case(
            "nonmatching URI",
            List.of("https://example.net/foo/will-not-match"),
            List.of("https://example.net/foo/another-name"),
            false,
            false),
        new Case(
            "nonmatching URL pattern",
            List.of("https://example.net/foo/will-not-match"),
            List.of("https://example.net/bar/:var"),
            false,
            false),
        new Case("private raw string", List.of(r[0]), List.of(r[0]), false, true),
        new Case(
            "private URI",
            List.of("https://example.net/foo/" + r[3]),
            List.of("https://example.net/foo/" + r[3]),
            false,
            true),
        new Case(
            "private URL pattern",
            List.of("https://example.net/foo/" + r[4]),
            List.of("https://example.net/foo/:random"),
            false,
            true));
  }

  static List<Case> draft07() {
    String[] r = {random(), random(), random(), random(), random()};
    return List.of(
        new Case("raw string", List.of(r[0]), List.of(r[0]), true, false),
        new Case("multiple topics", List.of(random(), r[1]), List.of(r[1]), true, false),
        new Case("multiple topic selectors", List.of(r[2]), List.of("foo", r[2]), true, false),
        new Case(
            "URI",
            List.of("https://example.net/foo/" + r[3]),
            List.of("https://example.net/foo/" + r[3]),
            true,
            false),
        new Case(
            "URI template",
            List.of("https://example.net/foo/" + r[4]),
            List.of("https://example.net/foo/{random}"),
            true,
            false),
        // Upstream's draft-07 topics carry a stray "}"; kept, they are its expectations.
        new Case(
            "nonmatching raw string",
            List.of("will-not-match}"),
            List.of("another-name"),
            false,
            false),
        new Case(
            "nonmatching URI",
            List.of("https://example.net/foo/will-not-match}"),
            List.of("https://example.net/foo/another-name"),
            false,
            false),
        new Case(
            "nonmatching URI template",
            List.of("https://example.net/foo/will-not-match}"),
            List.of("https://example.net/bar/{var}"),
            false,
            false),
        new Case("private raw string", List.of(r[0]), List.of(r[0]), false, true),
        new Case(
            "private URI",
            List.of("https://example.net/foo/" + r[3]),
            List.of("https://example.net/foo/" + r[3]),
            false,
            true),
        new Case(
            "private URI template",
            List.of("https://example.net/foo/" + r[4]),
            List.of("https://example.net/foo/{random}"),
            false,
            true));
  }

  /** Upstream's draft-08 token: only aud, iss, authorization_details and exp (no sub, no iat). */
  static String draft08Token() throws Exception {
    Map<String, Object> everything = Map.of("match", "*");
    Map<String, Object> claims =
        Map.of(
            "aud",
            RESOURCE,
            "iss",
            ISSUER,
            "exp",
            4102444800L,
            "authorization_details",
            List.of(
                Map.of(
                    "type",
                    "https://mercure.rocks/authorization-detail",
                    "actions",
                    List.of("publish"),
                    "topics",
                    List.of(everything)),
                Map.of(
                    "type",
                    "https://mercure.rocks/authorization-detail",
                    "actions",
                    List.of("subscribe"),
                    "topics",
                    List.of(everything))));
    return sign(
        new JWSHeader.Builder(JWSAlgorithm.HS256).type(new JOSEObjectType("at+jwt")).build(),
        claims);
  }

  /** Upstream's draft-07 token: the mercure claim only, no typ header. */
  static String draft07Token() throws Exception {
    return sign(
        new JWSHeader(JWSAlgorithm.HS256),
        Map.of("mercure", Map.of("publish", List.of("*"), "subscribe", List.of("*"))));
  }

  private static String sign(JWSHeader header, Map<String, Object> claims) throws Exception {
    JWSObject jws = new JWSObject(header, new Payload(claims));
    jws.sign(new MACSigner(UPSTREAM_SECRET.getBytes(StandardCharsets.UTF_8)));
    return jws.serialize();
  }

  /** Upstream's draft-08 rule: a selector with a {@code /:name} part is a URL pattern. */
  static String draft08Parameter(String selector) {
    return selector.matches(".*/:[A-Za-z_].*") ? "match_urlpattern" : "match";
  }

  /** A public topic the case's first selector matches, for the "not received" proof. */
  static String sentinelTopic(String selector) {
    return selector.replaceAll(":[A-Za-z_]+", "sentinel").replaceAll("\\{[^}]*}", "sentinel");
  }

  /**
   * In the page: subscribe, publish on open (then the sentinel), and say what arrived first. The 20
   * s guard only bounds a broken run; no outcome depends on it.
   */
  static final String RUN =
      """
      const [params, topics, isPrivate, id, data, token, sentinel] = arguments;
      const url = new URL('/.well-known/mercure', window.origin);
      params.forEach(([name, value]) => url.searchParams.append(name, value));
      const post = async (form) => {
        const r = await fetch('/.well-known/mercure',
            { method: 'POST', headers: { Authorization: 'Bearer ' + token }, body: form });
        return { status: r.status, contentType: r.headers.get('Content-Type'), body: await r.text() };
      };
      return await new Promise((resolve) => {
        const es = new EventSource(url);
        let published = null;
        let opened = false;
        let received = false; // the event may arrive before the publish's answer is read
        const done = (outcome) => { clearTimeout(guard); es.close(); resolve({ outcome, published }); };
        const guard = setTimeout(() => done('no answer within 20 s'), 20000);
        es.onerror = () => { if (es.readyState === EventSource.CLOSED) done('subscription refused'); };
        es.onmessage = (e) => {
          if (e.type === 'message' && e.lastEventId === id && e.data === data) {
            received = true;
            if (published !== null) done('received');
          }
          else if (sentinel !== null && e.data === 'sentinel ' + id) done('not received');
        };
        es.onopen = async () => {
          if (opened) return;
          opened = true;
          const form = new URLSearchParams();
          topics.forEach((t) => form.append('topic', t));
          form.set('id', id);
          form.set('data', data);
          if (isPrivate) form.set('private', 'on');
          published = await post(form);
          if (received) done('received');
          if (sentinel !== null) {
            const s = new URLSearchParams();
            s.append('topic', sentinel);
            s.set('data', 'sentinel ' + id);
            await post(s);
          }
        };
      });
      """;

  @SuppressWarnings("unchecked")
  void check(String protocol, Case c, String token) {
    List<List<String>> params = new ArrayList<>();
    for (String selector : c.selectors()) {
      params.add(
          List.of(protocol.equals("draft-08") ? draft08Parameter(selector) : "topic", selector));
    }
    String id =
        "id-"
            + c.updateTopics().stream()
                .map(t -> "\"" + t + "\"")
                .reduce((a, b) -> a + "," + b)
                .map(s -> "[" + s + "]")
                .orElseThrow();
    String data = "data for\n\n        " + c.name();
    String sentinel = c.mustBeReceived() ? null : sentinelTopic(c.selectors().get(0));
    Map<String, Object> result =
        (Map<String, Object>)
            browser.script(RUN, params, c.updateTopics(), c.isPrivate(), id, data, token, sentinel);
    assertThat(result.get("outcome"))
        .as(protocol + " " + c.name() + ": " + result)
        .isEqualTo(c.mustBeReceived() ? "received" : "not received");
    if (c.mustBeReceived()) {
      Map<String, Object> published = (Map<String, Object>) result.get("published");
      assertThat(published.get("status")).isEqualTo(200L);
      assertThat((String) published.get("contentType")).matches("^text/plain(?:$|;.*)");
      assertThat(published.get("body")).as("CUSTOM_ID").isEqualTo(id);
    }
  }

  @TestFactory
  Stream<DynamicTest> bothUpstreamSuitesPassAgainstOneHub() throws Exception {
    openPage();
    String token08 = draft08Token();
    String token07 = draft07Token();
    Stream<DynamicTest> suite08 =
        draft08().stream()
            .map(
                c ->
                    DynamicTest.dynamicTest(
                        "draft-08: " + c.name(), () -> check("draft-08", c, token08)));
    Stream<DynamicTest> suite07 =
        draft07().stream()
            .map(
                c ->
                    DynamicTest.dynamicTest(
                        "draft-07: " + c.name(), () -> check("draft-07", c, token07)));
    return Stream.concat(suite08, suite07);
  }
}
