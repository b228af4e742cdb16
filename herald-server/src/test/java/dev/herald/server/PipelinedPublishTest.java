package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Publishes pipelined on one HTTP/1.1 connection, written in one go as load generators and
 * batching publishers do: each is answered, in request order, an error in the middle included.
 * Runs on the JUnit thread against a hub over a real socket.
 */
class PipelinedPublishTest extends ServerTestBase {

  private static String publishRequest(String form) {
    return "POST /.well-known/mercure HTTP/1.1\r\n"
        + "Host: 127.0.0.1\r\n"
        + "Authorization: Bearer " + PUBLISHER + "\r\n"
        + "Content-Type: application/x-www-form-urlencoded\r\n"
        + "Content-Length: " + form.getBytes(StandardCharsets.UTF_8).length + "\r\n"
        + "\r\n" + form;
  }

  @Test
  void pipelinedPublishesAreAnsweredInRequestOrder() throws Exception {
    String requests = publishRequest("topic=t&data=1&id=urn:a")
        + publishRequest("topic=t&data=2&id=urn:b")
        + publishRequest("data=no-topic")
        + publishRequest("topic=t&data=3&id=urn:c");

    List<RawHttp.Response> answers =
        RawHttp.pipelined(server.port(), requests.getBytes(StandardCharsets.UTF_8), 4);

    assertThat(answers).extracting(RawHttp.Response::status).containsExactly(200, 200, 400, 200);
    assertThat(answers.get(0).body()).isEqualTo("urn:a");
    assertThat(answers.get(1).body()).isEqualTo("urn:b");
    assertThat(answers.get(2).body()).contains("topic");
    assertThat(answers.get(3).body()).isEqualTo("urn:c");
  }
}
