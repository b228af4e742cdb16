package dev.herald.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** RFC 8288 {@code Link} parsing, one rule per test. */
class LinkHeaderTest {

  @Test
  void theMercureLinksLastEventIdAmongSeveralLinks() {
    String field =
        "<https://example.com/books/1>; rel=\"self\", "
            + "<https://hub.example/.well-known/mercure>; rel=\"mercure\"; last-event-id=\"urn:uuid:1\"";
    assertThat(LinkHeader.mercureLastEventId(List.of(field))).isEqualTo("urn:uuid:1");
  }

  @Test
  void quotedStringsKeepCommasAndSemicolonsAndUnescape() {
    String field = "</hub>; title=\"a, b; c\"; rel=mercure; last-event-id=\"x\\\"y\\\\z\"";
    List<LinkHeader.Link> links = LinkHeader.parse(field);
    assertThat(links).hasSize(1);
    assertThat(links.get(0).params())
        .containsEntry("title", "a, b; c")
        .containsEntry("last-event-id", "x\"y\\z");
  }

  @Test
  void relIsASpaceSeparatedCaseInsensitiveList() {
    List<LinkHeader.Link> links = LinkHeader.parse("</hub>; REL=\"preload Mercure\"");
    assertThat(links.get(0).hasRel("mercure")).isTrue();
    assertThat(links.get(0).hasRel("self")).isFalse();
  }

  @Test
  void theExtendedFormWinsAndIsPercentDecoded() {
    String field =
        "</hub>; rel=\"mercure\"; last-event-id=\"ascii\"; last-event-id*=UTF-8''%C3%A9t%C3%A9";
    assertThat(LinkHeader.mercureLastEventId(List.of(field))).isEqualTo("été");
  }

  @Test
  void theFirstMercureLinkWithAnIdAcrossFields() {
    assertThat(
            LinkHeader.mercureLastEventId(
                List.of("</a>; rel=\"mercure\"", "</b>; rel=\"mercure\"; last-event-id=b")))
        .isEqualTo("b");
    assertThat(LinkHeader.mercureLastEventId(List.of("</a>; rel=\"self\"; last-event-id=a")))
        .isNull();
  }

  @Test
  void aMalformedLinkIsSkippedNotFatal() {
    List<LinkHeader.Link> links =
        LinkHeader.parse("garbage; rel=x, </ok>; rel=\"mercure\", </unclosed>; a=\"never");
    assertThat(links).extracting(LinkHeader.Link::target).containsExactly("/ok");
    assertThat(links.get(0).params()).isEqualTo(Map.of("rel", "mercure"));
  }
}
