package dev.herald.server;

import static dev.herald.server.HubErrorsTest.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The route table over real sockets: 404, 405 with each path's Allow, errors that keep alive. */
class RoutesTest extends ServerTestBase {

  private HttpResponse<String> send(String method, String path) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(base + path))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .build();
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void unknownPathIs404NamingThePath() throws Exception {
    assertError(get("/no/such/thing", Map.of()), 404, "no such resource: /no/such/thing");
  }

  @Test
  void wrongMethodIs405WithTheMethodsOfThatPath() throws Exception {
    HttpResponse<String> readyz = send("POST", "/readyz");
    assertError(readyz, 405, "method POST not allowed here (expected: GET, OPTIONS)");
    assertThat(readyz.headers().firstValue("allow")).hasValue("GET, OPTIONS");
    HttpResponse<String> page = send("DELETE", "/");
    assertError(page, 405, "DELETE");
    assertThat(page.headers().firstValue("allow")).hasValue("GET, HEAD, OPTIONS");
    HttpResponse<String> subscriptions = send("PUT", "/.well-known/mercure/subscriptions");
    assertThat(subscriptions.statusCode()).isEqualTo(405);
    assertThat(subscriptions.headers().firstValue("allow")).hasValue("GET, OPTIONS");
  }

  @Test
  void optionsAnswersTheAllowOfThePath() throws Exception {
    HttpResponse<String> response = send("OPTIONS", "/healthz");
    assertThat(response.statusCode()).isEqualTo(204);
    assertThat(response.headers().firstValue("allow")).hasValue("GET, HEAD, OPTIONS");
  }

  @Test
  void anErrorResponseHasItsLengthAndKeepsTheConnection() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", server.port())) {
      socket.setSoTimeout(10_000); // a bound on a broken server, not a timing assertion
      OutputStream out = socket.getOutputStream();
      InputStream in = socket.getInputStream();
      out.write("GET /nope HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String first = readResponse(in);
      assertThat(first)
          .startsWith("HTTP/1.1 404 Not Found\r\n")
          .contains("content-length: 24\r\n")
          .endsWith("\r\n\r\nno such resource: /nope\n");
      out.write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      assertThat(readResponse(in)).startsWith("HTTP/1.1 200 OK\r\n").endsWith("ok\n");
    }
  }

  /** One response: the head, then exactly Content-Length bytes of body. */
  private static String readResponse(InputStream in) throws Exception {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
      int b = in.read();
      assertThat(b).as("connection closed before the end of the headers").isNotNegative();
      head.write(b);
    }
    String headText = head.toString(StandardCharsets.US_ASCII);
    int length = 0;
    for (String line : headText.split("\r\n")) {
      if (line.toLowerCase().startsWith("content-length:")) {
        length = Integer.parseInt(line.substring(15).trim());
      }
    }
    return headText + new String(in.readNBytes(length), StandardCharsets.UTF_8);
  }
}
