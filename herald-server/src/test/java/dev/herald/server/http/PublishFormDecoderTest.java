package dev.herald.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.herald.core.PublishRules;
import dev.herald.core.Update;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The publish body decoded from its bytes: the fields a publish reads, with the values Netty's
 * {@link QueryStringDecoder} gave them before (it decoded every publish until issue 17's item 9),
 * and the same 400 for what it refused. Runs on the JUnit thread.
 */
class PublishFormDecoderTest {

  private static final Set<String> PUBLISH_FIELDS =
      Set.of("topic", "data", "id", "type", "retry", "private");

  private static Map<String, List<String>> decode(String body) {
    return decode(body.getBytes(StandardCharsets.UTF_8));
  }

  private static Map<String, List<String>> decode(byte[] body) {
    ByteBuf buffer = Unpooled.directBuffer(body.length).writeBytes(body);
    try {
      return PublishFormDecoder.decode(buffer);
    } finally {
      buffer.release();
    }
  }

  /** What the hub read from a publish body before: the query decoder on the body as a string. */
  private static Map<String, List<String>> before(byte[] body) {
    Map<String, List<String>> all =
        QueryStringDecoder.builder()
            .hasPath(false)
            .semicolonIsNormalChar(true)
            .maxParams(PublishFormDecoder.MAX_FIELDS)
            .build(new String(body, StandardCharsets.UTF_8))
            .parameters();
    Map<String, List<String>> publish = new LinkedHashMap<>();
    all.forEach(
        (name, values) -> {
          if (PUBLISH_FIELDS.contains(name)) {
            publish.put(name, values);
          }
        });
    return publish;
  }

  private static void assertReadAsBefore(String body) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    assertThat(decode(bytes)).as(body).isEqualTo(before(bytes));
  }

  @Test
  void readsTheFieldsOfAPublish() {
    Map<String, List<String>> form =
        decode(
            "topic=https%3A%2F%2Fexample.com%2Fbooks%2F1&data=%7B%22a%22%3A1%7D&id=urn%3Ax"
                + "&type=book&retry=1500&private=on");

    assertThat(form)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "topic", List.of("https://example.com/books/1"),
                "data", List.of("{\"a\":1}"),
                "id", List.of("urn:x"),
                "type", List.of("book"),
                "retry", List.of("1500"),
                "private", List.of("on")));
  }

  @Test
  void percentEncodedAndRawUtf8AndPlusAreDecoded() {
    assertThat(decode("data=%C3%A9t%C3%A9+%F0%9F%98%80").get("data")).containsExactly("été 😀");
    assertThat(decode("data=été").get("data")).containsExactly("été");
    assertThat(decode("data=a%2Bb+c").get("data")).containsExactly("a+b c");
    assertThat(decode("da%74a=lower%2fupper%2F").get("data")).containsExactly("lower/upper/");
  }

  @Test
  void emptyValuesAreEmptyStrings() {
    Map<String, List<String>> form = decode("topic=t&data=&id&private");

    assertThat(form.get("data")).containsExactly("");
    assertThat(form.get("id")).containsExactly("");
    assertThat(form.containsKey("private")).isTrue();
    assertThat(form.containsKey("type")).isFalse();
    assertThat(form.get("type")).isNull();
  }

  @Test
  void repeatedTopicsKeepTheirOrder() {
    assertThat(decode("topic=a&topic=b").get("topic")).containsExactly("a", "b");
    StringBuilder body = new StringBuilder("data=x");
    for (int i = 0; i < 40; i++) {
      body.append("&topic=t").append(i);
    }
    List<String> topics = decode(body.toString()).get("topic");
    assertThat(topics).hasSize(40).startsWith("t0", "t1").endsWith("t39");
    assertThatThrownBy(() -> topics.add("more")).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void otherFieldsAreSkipped() {
    Map<String, List<String>> form = decode("topic=t&foo=bar&%66oo=%62ar&data=d");

    assertThat(form).containsOnlyKeys("topic", "data");
    assertThat(form.get("foo")).isNull();
  }

  @Test
  void readsEveryWellFormedBodyAsTheQueryDecoderDid() {
    for (String body :
        List.of(
            "",
            "&",
            "&&topic=a&&",
            "topic=a;b&data=c;d",
            "?topic=a",
            "??topic=a",
            "=topic",
            "=topic=x",
            "topic==x",
            "topic=a=b",
            "data=%C3",
            "data=%C3x",
            "data=%ED%A0%80",
            "data=%00",
            "to+pic=x&topic+=y",
            "topic=a&data=1&data=2&data=3",
            "private=&private=1")) {
      assertReadAsBefore(body);
    }
  }

  /** Random bodies over the characters that matter to the syntax, with a fixed seed. */
  @Test
  void readsRandomBodiesAsTheQueryDecoderDid() {
    String[] pieces = {
      "topic", "data", "id", "type", "retry", "private", "x", "=", "&", ";", "+", "%", "%2", "%41",
      "%c3%a9", "%C3", "%zz", "é", "😀", "?", "a", "0", " "
    };
    Random random = new Random(17_9);
    for (int n = 0; n < 5_000; n++) {
      StringBuilder body = new StringBuilder();
      int length = random.nextInt(12);
      for (int i = 0; i < length; i++) {
        body.append(pieces[random.nextInt(pieces.length)]);
      }
      byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
      Throwable old = catchThrowable(() -> before(bytes));
      Throwable now = catchThrowable(() -> decode(bytes));
      if (old == null) {
        assertThat(now).as(body.toString()).isNull();
        assertThat(decode(bytes)).as(body.toString()).isEqualTo(before(bytes));
      } else {
        assertThat(old).as(body.toString()).isInstanceOf(IllegalArgumentException.class);
        assertThat(now).as(body.toString()).isInstanceOf(HttpError.class);
        assertThat(((HttpError) now).status()).isEqualTo(HttpResponseStatus.BAD_REQUEST);
      }
    }
  }

  @Test
  void aBadPercentEscapeIsTheSame400AsBefore() {
    for (String body :
        List.of(
            "data=%zz",
            "data=%2",
            "data=%",
            "data=1%",
            "data=%G1",
            "data=%1G",
            "%=1",
            "topic=t&other=%x1",
            "to%p1c=t")) {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      assertThatThrownBy(() -> before(bytes)).as(body).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> decode(bytes))
          .as(body)
          .isInstanceOfSatisfying(
              HttpError.class,
              e -> {
                assertThat(e.status()).isEqualTo(HttpResponseStatus.BAD_REQUEST);
                assertThat(e.reason()).startsWith("malformed request: bad percent-escape '%");
                assertThat(e.reason()).endsWith("(expected: % and two hex digits)");
              });
    }
  }

  @Test
  void theBadEscapeIsQuotedOnOneLine() {
    assertThatThrownBy(() -> decode("topic=t&data=%\r\n"))
        .isInstanceOfSatisfying(
            HttpError.class,
            e ->
                assertThat(e.reason())
                    .isEqualTo(
                        "malformed request: bad percent-escape '%\\x0D\\x0A' at byte 13 of the"
                            + " form body (expected: % and two hex digits)"));
  }

  @Test
  void aHashIsAnOrdinaryCharacter() {
    // The query decoder took it for a URI fragment and dropped the rest of the body.
    assertThat(decode("data=color+#fff&topic=t"))
        .containsEntry("data", List.of("color #fff"))
        .containsEntry("topic", List.of("t"));
  }

  @Test
  void moreFieldsThanTheLimitAreRefused() {
    StringBuilder atLimit = new StringBuilder("topic=t");
    for (int i = 1; i < PublishFormDecoder.MAX_FIELDS; i++) {
      atLimit.append("&x=").append(i);
    }
    assertThat(decode(atLimit.toString()).get("topic")).containsExactly("t");
    assertThat(decode(atLimit + "&&").get("topic")).as("empty fields do not count").hasSize(1);

    assertThatThrownBy(() -> decode(atLimit + "&topic=u"))
        .isInstanceOfSatisfying(
            HttpError.class,
            e -> {
              assertThat(e.status()).isEqualTo(HttpResponseStatus.BAD_REQUEST);
              assertThat(e.reason())
                  .isEqualTo(
                      "malformed request: form body of more than 2048 fields (expected: at most"
                          + " 2048)");
            });
  }

  @Test
  void theRequestBodyIsLeftAsItWas() {
    byte[] body = "topic=a%2Fb&data=x+y".getBytes(StandardCharsets.UTF_8);
    ByteBuf buffer = Unpooled.buffer().writeBytes(body);
    try {
      PublishFormDecoder.decode(buffer);
      assertThat(buffer.readerIndex()).isZero();
      assertThat(ByteBufBytes.of(buffer)).isEqualTo(body);
    } finally {
      buffer.release();
    }
  }

  @Test
  void bodiesLargerThanTheKeptScratchAreDecodedWhole() {
    String data = "x".repeat(PublishFormDecoder.KEPT_SCRATCH) + "%C3%A9";
    assertThat(decode("topic=t&data=" + data).get("data"))
        .containsExactly("x".repeat(PublishFormDecoder.KEPT_SCRATCH) + "é");
    // The kept scratch serves the next, smaller body.
    assertThat(decode("topic=t&data=small").get("data")).containsExactly("small");
  }

  @Test
  void bothDraftsBuildTheUpdateFromTheDecodedFields() {
    String body = "topic=https%3A%2F%2Fexample.com%2Fa&topic=b&data=d&id=urn%3A1&type=t&retry=5";
    for (PublishRules rules :
        List.of(
            Draft07.PUBLISH_RULES,
            new Draft08PublishRules("https://hub.example/.well-known/mercure"))) {
      Update update = rules.toUpdate(decode(body + "&private"));

      assertThat(update.topics())
          .as(rules.toString())
          .containsExactly("https://example.com/a", "b");
      assertThat(update.data()).isEqualTo("d");
      assertThat(update.id()).isEqualTo("urn:1");
      assertThat(update.type()).isEqualTo("t");
      assertThat(update.retry()).isEqualTo(5L);
      assertThat(update.isPrivate()).isTrue();
      assertThat(rules.toUpdate(decode(body)).isPrivate()).isFalse();
    }
  }

  /**
   * The point of decoding from the bytes: a publish's body costs the strings of its values and a
   * few small objects, nothing in proportion to what the body holds besides. Counted by the JVM for
   * this thread, so no other thread or the JIT's timing can add to it (the JIT can only remove).
   */
  @Test
  void decodingAPublishAllocatesLittleMoreThanItsValues() {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    assumeTrue(
        threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled());
    byte[] body =
        ("topic=https%3A%2F%2Fexample.com%2Fbooks%2F1&data=hello+world&ignored="
                + "x".repeat(2_000))
            .getBytes(StandardCharsets.UTF_8);
    // Not from an allocator: the tests' paranoid leak detector would record every read of it.
    ByteBuf buffer = Unpooled.wrappedBuffer(body);
    try {
      for (int i = 0; i < 1_000; i++) {
        PublishFormDecoder.decode(buffer); // the scratch buffer and the classes, once
      }
      long thread = Thread.currentThread().getId();
      int decodes = 1_000;
      long before = threads.getThreadAllocatedBytes(thread);
      for (int i = 0; i < decodes; i++) {
        PublishFormDecoder.decode(buffer);
      }
      long perDecode = (threads.getThreadAllocatedBytes(thread) - before) / decodes;

      // Two strings (~130 bytes), two one-element lists, the map and its slots: about 250 bytes;
      // a copy of the 2 KB body, or of the ignored field, would be more than the bound.
      assertThat(perDecode).isLessThan(500);
    } finally {
      buffer.release();
    }
  }

  /** A buffer's readable bytes, copied. */
  private static final class ByteBufBytes {
    static byte[] of(ByteBuf buffer) {
      byte[] bytes = new byte[buffer.readableBytes()];
      buffer.getBytes(buffer.readerIndex(), bytes);
      return bytes;
    }
  }
}
