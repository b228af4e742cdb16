package dev.herald.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.core.HubException;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The one mapping from typed errors to responses: status, one-line reason, headers. */
class HttpErrorTest {

  @ParameterizedTest
  @CsvSource({
    "BAD_REQUEST, 400",
    "UNAUTHORIZED, 401",
    "FORBIDDEN, 403",
    "NOT_FOUND, 404",
    "PAYLOAD_TOO_LARGE, 413",
    "UNAVAILABLE, 503"
  })
  void everyCoreKindHasItsStatus(HubException.Kind kind, int status) {
    HttpError error = HttpError.from(new HubException(kind, "what: x (expected: y)"));
    assertThat(error.status().code()).isEqualTo(status);
    assertThat(error.reason()).isEqualTo("what: x (expected: y)");
  }

  @Test
  void theResponseIsTheReasonOnOneLineWithTheHeaders() {
    FullHttpResponse response =
        HttpError.methodNotAllowed(HttpMethod.PUT, "GET, OPTIONS").response();
    try {
      assertThat(response.status()).isEqualTo(HttpResponseStatus.METHOD_NOT_ALLOWED);
      assertThat(response.headers().get(HttpHeaderNames.ALLOW)).isEqualTo("GET, OPTIONS");
      assertThat(response.headers().get(HttpHeaderNames.CONTENT_TYPE))
          .isEqualTo("text/plain; charset=utf-8");
      String body = response.content().toString(StandardCharsets.UTF_8);
      assertThat(body).isEqualTo("method PUT not allowed here (expected: GET, OPTIONS)\n");
      assertThat(response.headers().getInt(HttpHeaderNames.CONTENT_LENGTH))
          .isEqualTo(body.getBytes(StandardCharsets.UTF_8).length);
    } finally {
      response.release();
    }
  }

  @Test
  void lineBreaksInAReasonCannotSplitTheBodyOrAHeader() {
    HttpError error = HttpError.badRequest("id: a\r\nb\nc\rd (expected: no line breaks)");
    assertThat(error.reason()).isEqualTo("id: a b c d (expected: no line breaks)");
    FullHttpResponse response = error.response();
    try {
      assertThat(response.content().toString(StandardCharsets.UTF_8).strip()).doesNotContain("\n");
    } finally {
      response.release();
    }
  }

  @Test
  void asynchronousFailuresKeepTheirTypeAndOthersAre503() {
    HubException unavailable = new HubException(HubException.Kind.UNAVAILABLE, "history down");
    assertThat(HttpError.from(new CompletionException(unavailable), "publish failed").status())
        .isEqualTo(HttpResponseStatus.SERVICE_UNAVAILABLE);
    assertThat(HttpError.from(new CompletionException(unavailable), "publish failed").reason())
        .isEqualTo("history down");
    HttpError notFound = HttpError.notFound("/x");
    assertThat(HttpError.from(notFound, "")).isSameAs(notFound);
    HttpError unknown = HttpError.from(new IOException("disk gone"), "publish failed");
    assertThat(unknown.status()).isEqualTo(HttpResponseStatus.SERVICE_UNAVAILABLE);
    assertThat(unknown.reason()).isEqualTo("publish failed: java.io.IOException: disk gone");
  }
}
