package dev.herald.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The discovery {@code Link} value, one rule per test. */
class DiscoveryLinkTest {

  private static final String HUB = "https://hub.example/.well-known/mercure";

  @Test
  void aPrintableIdIsQuoted() {
    assertThat(DiscoveryLink.of(HUB, "urn:uuid:0190"))
        .isEqualTo("<" + HUB + ">; rel=\"mercure\"; last-event-id=\"urn:uuid:0190\"");
  }

  @Test
  void quotesAndBackslashesAreEscaped() {
    assertThat(DiscoveryLink.of(HUB, "a\"b\\c")).endsWith("; last-event-id=\"a\\\"b\\\\c\"");
  }

  @Test
  void anIdBeyondPrintableAsciiUsesTheExtendedForm() {
    assertThat(DiscoveryLink.of(HUB, "été 1/2"))
        .endsWith("; last-event-id*=UTF-8''%C3%A9t%C3%A9%201%2F2");
    assertThat(DiscoveryLink.of(HUB, "tab\there")).endsWith("last-event-id*=UTF-8''tab%09here");
  }

  @Test
  void withoutAnIdTheLinkNamesTheHubOnly() {
    assertThat(DiscoveryLink.of("/.well-known/mercure", null))
        .isEqualTo("</.well-known/mercure>; rel=\"mercure\"");
  }

  @Test
  void aHubUrlThatWouldBreakTheFieldIsRefusedWithTheValue() {
    assertThatThrownBy(() -> DiscoveryLink.of("https://hub.example/a b", "x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("https://hub.example/a b")
        .hasMessageContaining("expected");
    assertThatThrownBy(() -> DiscoveryLink.of("https://hub.example/>; rel=evil", "x"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
