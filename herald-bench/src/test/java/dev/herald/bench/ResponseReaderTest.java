package dev.herald.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResponseReaderTest {

  /** Records what the reader reports, as text. */
  private static final class Recorder implements ResponseReader.Listener {
    final List<String> log = new ArrayList<>();
    final ByteArrayOutputStream body = new ByteArrayOutputStream();

    @Override
    public void head(int status) {
      log.add("head " + status);
    }

    @Override
    public void body(byte[] bytes, int offset, int length) {
      body.write(bytes, offset, length);
    }

    @Override
    public void complete(int status) {
      log.add("complete " + status + " " + body.toString(StandardCharsets.UTF_8));
      body.reset();
    }
  }

  /** Feeds the input split in two at every position; each split must give the same result. */
  private static List<String> everySplit(String input, List<String> expected) {
    byte[] bytes = input.getBytes(StandardCharsets.UTF_8);
    for (int split = 0; split <= bytes.length; split++) {
      Recorder recorder = new Recorder();
      ResponseReader reader = new ResponseReader(recorder);
      reader.feed(bytes, 0, split);
      reader.feed(bytes, split, bytes.length - split);
      assertThat(recorder.log).as("split at %d", split).isEqualTo(expected);
    }
    return expected;
  }

  @Test
  void pipelinedResponsesWithContentLength() {
    String one = "HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 5\r\n\r\nurn:1";
    String two = "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n";
    everySplit(
        one + two + one,
        List.of(
            "head 200",
            "complete 200 urn:1",
            "head 503",
            "complete 503 ",
            "head 200",
            "complete 200 urn:1"));
  }

  @Test
  void chunkedBodyIsDechunkedAcrossChunkBoundaries() {
    String stream =
        "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n"
            + "3\r\n:\n\n\r\n"
            + "1a;ext=1\r\nid: 1\ndata: lgts12345678\n\n\r\n"
            + "0\r\n\r\n";
    everySplit(stream, List.of("head 200", "complete 200 :\n\nid: 1\ndata: lgts12345678\n\n"));
  }

  @Test
  void bareLfHeadAndBodyUntilClose() {
    Recorder recorder = new Recorder();
    ResponseReader reader = new ResponseReader(recorder);
    byte[] bytes =
        "HTTP/1.0 200 OK\nContent-Type: text/event-stream\n\ndata: x\n\n"
            .getBytes(StandardCharsets.UTF_8);
    reader.feed(bytes, 0, bytes.length);
    assertThat(recorder.log).containsExactly("head 200");
    assertThat(recorder.body.toString(StandardCharsets.UTF_8)).isEqualTo("data: x\n\n");
  }

  @Test
  void rejectsWhatIsNotHttp() {
    ResponseReader reader = new ResponseReader(new Recorder());
    byte[] bytes = "SSH-2.0-OpenSSH\r\n\r\n".getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> reader.feed(bytes, 0, bytes.length))
        .isInstanceOf(ResponseReader.MalformedResponse.class)
        .hasMessageContaining("expected: HTTP/1.x");
  }
}
