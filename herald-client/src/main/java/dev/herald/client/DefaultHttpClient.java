package dev.herald.client;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;

/**
 * The {@link HttpClient} a publisher or subscriber builds when it is not given one. Over {@code
 * https} it negotiates HTTP/2 by ALPN. Over {@code http} it speaks HTTP/1.1: the JDK's {@code
 * Upgrade: h2c} path (17 and 25 alike) sometimes loses its place in the frame stream on the request
 * that follows the upgraded one, failing it with "Frame type(…) length(…) exceeds MAX_FRAME_SIZE"
 * although the hub's frames are well formed (captured on loopback: 5 to 60 requests in 300).
 * Stateless.
 */
final class DefaultHttpClient {

  private DefaultHttpClient() {}

  static HttpClient forHub(URI hubUrl, Duration connectTimeout) {
    return HttpClient.newBuilder()
        .version(versionFor(hubUrl))
        .connectTimeout(connectTimeout)
        .build();
  }

  static HttpClient.Version versionFor(URI hubUrl) {
    return "https".equalsIgnoreCase(hubUrl.getScheme())
        ? HttpClient.Version.HTTP_2
        : HttpClient.Version.HTTP_1_1;
  }
}
