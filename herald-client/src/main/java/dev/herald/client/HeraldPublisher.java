package dev.herald.client;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * Publishes updates to a Mercure hub and returns the id the hub gave each.
 *
 * <p>A {@code 503} (the hub is overloaded or its shared log is unreachable) is retried up to {@link
 * Builder#maxAttempts(int)} times, waiting as long as the hub's {@code Retry-After} says, or with
 * exponential backoff and jitter when it says nothing. A retried update without an id could be
 * stored twice if the first attempt reached the hub after all: give an id to make retries safe.
 * Every other error is thrown at once as a {@link HeraldClientException} carrying the status and
 * the hub's one-line reason.
 *
 * <pre>{@code
 * HeraldPublisher publisher = HeraldPublisher.builder(URI.create("https://hub.example/.well-known/mercure"))
 *     .token(jwt)
 *     .build();
 * String id = publisher.publish(Publication.to("https://example.com/books/1").data("{\"stock\":3}").build());
 * }</pre>
 *
 * <p>Thread-safe: share one instance; {@link #publish} blocks the calling thread until the hub
 * answers (or the attempts are used up).
 */
public final class HeraldPublisher {

  private static final Duration FIRST_RETRY = Duration.ofMillis(200);

  private final URI hubUrl;
  private final Supplier<String> token;
  private final HttpClient http;
  private final Duration requestTimeout;
  private final int maxAttempts;
  private final Duration maxRetryDelay;
  private final Backoff backoff;
  private final Sleeper sleeper;
  private final Clock clock;

  private HeraldPublisher(Builder b) {
    this.hubUrl = b.hubUrl;
    this.token =
        Objects.requireNonNull(
            b.token,
            "token: none (expected: token(String), token(Supplier) or an HmacTokenMinter)");
    this.http = b.http != null ? b.http : DefaultHttpClient.forHub(b.hubUrl, b.connectTimeout);
    this.requestTimeout = b.requestTimeout;
    this.maxAttempts = b.maxAttempts;
    this.maxRetryDelay = b.maxRetryDelay;
    this.backoff = new Backoff(b.maxRetryDelay, ThreadLocalRandom.current()::nextLong);
    this.sleeper = b.sleeper;
    this.clock = b.clock;
  }

  /**
   * Starts configuring a publisher to the hub at {@code hubUrl} (its {@code /.well-known/mercure}
   * URL).
   */
  public static Builder builder(URI hubUrl) {
    return new Builder(hubUrl);
  }

  /** The hub this publisher posts to. */
  public URI hubUrl() {
    return hubUrl;
  }

  /** Publishes a public update of one topic; returns the id the hub gave it. */
  public String publish(String topic, String data) {
    return publish(Publication.of(topic, data));
  }

  /**
   * Publishes the update; returns its id (the one it carried, or the one the hub generated).
   *
   * @throws HeraldClientException if the hub answered an error (its status and reason), could not
   *     be reached, did not answer in time, or the thread was interrupted (its flag is set again)
   */
  public String publish(Publication publication) {
    String form = form(publication);
    int attempt = 1;
    while (true) {
      String jwt = token.get();
      if (jwt == null) {
        throw new IllegalStateException(
            "token: the token supplier returned null (expected: a JWT)");
      }
      HttpRequest request =
          HttpRequest.newBuilder(hubUrl)
              .timeout(requestTimeout)
              .header("Content-Type", "application/x-www-form-urlencoded")
              .header("Authorization", "Bearer " + jwt)
              .POST(HttpRequest.BodyPublishers.ofString(form))
              .build();
      HttpResponse<InputStream> response;
      try {
        response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
      } catch (HttpTimeoutException e) {
        throw HeraldClientException.failure(
            "no answer from " + hubUrl + " within " + requestTimeout, e);
      } catch (IOException e) {
        throw HeraldClientException.failure("cannot reach " + hubUrl + ": " + describe(e), e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw HeraldClientException.failure("interrupted while publishing to " + hubUrl, e);
      }
      try {
        if (response.statusCode() == 200) {
          return Bodies.firstLine(response.body());
        }
        HeraldClientException error =
            HeraldClientException.hubError(response.statusCode(), Bodies.reason(response.body()));
        if (response.statusCode() != 503 || attempt >= maxAttempts) {
          throw error;
        }
        Duration delay = retryAfter(response).orElse(backoff.delay(FIRST_RETRY, attempt - 1));
        if (delay.compareTo(maxRetryDelay) > 0) {
          throw error; // the hub asks for a longer wait than the caller allows
        }
        sleeper.sleep(delay);
      } catch (IOException e) {
        throw HeraldClientException.failure(
            "answer from " + hubUrl + " cut off: " + describe(e), e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw HeraldClientException.failure("interrupted while publishing to " + hubUrl, e);
      }
      attempt++;
    }
  }

  /**
   * The hub's position: the id of the last event it handed to its subscribers ({@code earliest}
   * while it has none), read from Herald's {@code GET /.well-known/mercure/last-event-id} with this
   * publisher's token, from the {@code last-event-id} of the discovery {@code Link} it answers.
   * Read it <em>before</em> reading the state a page shows, and hand both to the page: a
   * subscription from this id then gets every update made after the state was read (some may
   * already be in it: each carries its id).
   *
   * @throws HeraldClientException if the hub refused (its status and reason: 401, 403; a 404 from a
   *     hub that is not Herald), could not be reached or did not answer in time
   */
  public String lastEventId() {
    URI position = positionUrl(hubUrl);
    String jwt = token.get();
    if (jwt == null) {
      throw new IllegalStateException("token: the token supplier returned null (expected: a JWT)");
    }
    HttpRequest request =
        HttpRequest.newBuilder(position)
            .timeout(requestTimeout)
            .header("Authorization", "Bearer " + jwt)
            .GET()
            .build();
    try {
      HttpResponse<InputStream> response =
          http.send(request, HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream body = response.body()) {
        if (response.statusCode() != 200) {
          throw HeraldClientException.hubError(response.statusCode(), Bodies.reason(body));
        }
        String id = LinkHeader.mercureLastEventId(response.headers().allValues("Link"));
        if (id == null) {
          throw HeraldClientException.failure(
              position + " answered without a rel=\"mercure\" Link carrying last-event-id", null);
        }
        return id;
      }
    } catch (HttpTimeoutException e) {
      throw HeraldClientException.failure(
          "no answer from " + position + " within " + requestTimeout, e);
    } catch (IOException e) {
      throw HeraldClientException.failure("cannot reach " + position + ": " + describe(e), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw HeraldClientException.failure("interrupted while asking " + position, e);
    }
  }

  /** Herald's position endpoint, under the hub's path. */
  static URI positionUrl(URI hubUrl) {
    String path = hubUrl.getRawPath() == null ? "" : hubUrl.getRawPath();
    return hubUrl.resolve((path.endsWith("/") ? path : path + "/") + "last-event-id");
  }

  /** {@code Retry-After} as delta-seconds or an HTTP date (RFC 9110, section 10.2.3). */
  private Optional<Duration> retryAfter(HttpResponse<?> response) {
    return response
        .headers()
        .firstValue("Retry-After")
        .map(String::strip)
        .flatMap(
            value -> {
              if (!value.isEmpty() && value.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return value.length() > 9
                    ? Optional.of(Duration.ofDays(365))
                    : Optional.of(Duration.ofSeconds(Long.parseLong(value)));
              }
              try {
                ZonedDateTime at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME);
                Duration wait = Duration.between(clock.instant(), at.toInstant());
                return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
              } catch (DateTimeParseException e) {
                return Optional.empty(); // unreadable: fall back to our own backoff
              }
            });
  }

  /** The JDK often throws without a message (a refused connection): show the type then. */
  static String describe(IOException e) {
    if (e instanceof ConnectException && e.getMessage() == null) {
      return ConnectException.class.getName();
    }
    return e.getMessage() == null ? e.getClass().getName() : e.toString();
  }

  static String form(Publication publication) {
    StringBuilder form = new StringBuilder();
    for (String topic : publication.topics()) {
      field(form, "topic", topic);
    }
    field(form, "data", publication.data());
    if (publication.id() != null) {
      field(form, "id", publication.id());
    }
    if (publication.type() != null) {
      field(form, "type", publication.type());
    }
    if (publication.retry() != null) {
      field(form, "retry", publication.retry().toString());
    }
    if (publication.isPrivate()) {
      field(form, "private", "on");
    }
    return form.toString();
  }

  private static void field(StringBuilder form, String name, String value) {
    if (form.length() > 0) {
      form.append('&');
    }
    form.append(name).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8));
  }

  /** Configures a {@link HeraldPublisher}; not thread-safe, use from one thread. */
  public static final class Builder {
    private final URI hubUrl;
    private Supplier<String> token;
    private HttpClient http;
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration requestTimeout = Duration.ofSeconds(30);
    private int maxAttempts = 3;
    private Duration maxRetryDelay = Duration.ofSeconds(30);
    private Sleeper sleeper = Sleeper.SYSTEM;
    private Clock clock = Clock.systemUTC();

    private Builder(URI hubUrl) {
      this.hubUrl = Objects.requireNonNull(hubUrl, "hubUrl");
      if (!"http".equals(hubUrl.getScheme()) && !"https".equals(hubUrl.getScheme())) {
        throw new IllegalArgumentException(
            "hub URL: " + hubUrl + " (expected: http:// or https://)");
      }
    }

    /** A fixed publisher JWT (its {@code mercure.publish} claim must allow the topics). */
    public Builder token(String jwt) {
      Objects.requireNonNull(jwt, "token");
      this.token = () -> jwt;
      return this;
    }

    /**
     * A source of publisher JWTs, asked before every request: renew tokens here, e.g. {@link
     * HmacTokenMinter#renewing}. Must be thread-safe if the publisher is shared.
     */
    public Builder token(Supplier<String> tokens) {
      this.token = Objects.requireNonNull(tokens, "token");
      return this;
    }

    /** The HTTP client to use (to share its connections or set a proxy, TLS or executor). */
    public Builder httpClient(HttpClient client) {
      this.http = Objects.requireNonNull(client, "httpClient");
      return this;
    }

    /** How long connecting may take, unless an {@link #httpClient} is given (default: 10 s). */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive("connectTimeout", timeout);
      return this;
    }

    /** How long one attempt may wait for the hub's answer (default: 30 s). */
    public Builder requestTimeout(Duration timeout) {
      this.requestTimeout = positive("requestTimeout", timeout);
      return this;
    }

    /** Attempts per publish when the hub answers {@code 503}, including the first (default: 3). */
    public Builder maxAttempts(int attempts) {
      if (attempts < 1) {
        throw new IllegalArgumentException("maxAttempts: " + attempts + " (expected: >= 1)");
      }
      this.maxAttempts = attempts;
      return this;
    }

    /**
     * The longest wait between attempts (default: 30 s); a {@code Retry-After} asking for more ends
     * the retries with the hub's {@code 503}.
     */
    public Builder maxRetryDelay(Duration delay) {
      this.maxRetryDelay = positive("maxRetryDelay", delay);
      return this;
    }

    Builder sleeper(Sleeper sleeper) {
      this.sleeper = sleeper;
      return this;
    }

    Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    /** The publisher; throws {@link NullPointerException} if no token source was given. */
    public HeraldPublisher build() {
      return new HeraldPublisher(this);
    }
  }

  static Duration positive(String name, Duration value) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
    }
    return value;
  }
}
