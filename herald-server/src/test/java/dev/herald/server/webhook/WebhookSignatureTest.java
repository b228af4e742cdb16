package dev.herald.server.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Standard Webhooks signature, against the specification's own example. */
class WebhookSignatureTest {

  /** The example of the Standard Webhooks reference libraries. */
  private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

  private static final String ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
  private static final long TIMESTAMP = 1614265330;
  private static final String BODY = "{\"test\": 2432232314}";
  private static final String SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

  @Test
  void signsAsTheSpecificationsExample() {
    assertThat(new WebhookSignature(SECRET).sign(ID, TIMESTAMP, BODY)).isEqualTo(SIGNATURE);
    // The prefix is optional, as in the reference libraries.
    assertThat(new WebhookSignature(SECRET.substring(6)).sign(ID, TIMESTAMP, BODY))
        .isEqualTo(SIGNATURE);
  }

  @Test
  void verifiesOneOfSeveralSignaturesAndRejectsATamperedBody() {
    WebhookSignature signature = new WebhookSignature(SECRET);
    assertThat(signature.verify(ID, TIMESTAMP, BODY, "v1,bm90LWl0 " + SIGNATURE)).isTrue();
    assertThat(signature.verify(ID, TIMESTAMP, BODY + " ", SIGNATURE)).isFalse();
    assertThat(signature.verify(ID, TIMESTAMP + 1, BODY, SIGNATURE)).isFalse();
  }

  @Test
  void aWebhookNeedsAUsableSecret() {
    List<URI> url = List.of(URI.create("http://127.0.0.1:9/hooks"));
    assertThatThrownBy(() -> WebhookConfig.of(url, null))
        .hasMessageContaining("webhook-secret: missing");
    assertThatThrownBy(() -> WebhookConfig.of(url, "whsec_not base64!"))
        .hasMessageContaining("not base64");
    assertThatThrownBy(() -> WebhookConfig.of(url, "whsec_c2hvcnQ="))
        .hasMessageContaining("at least 16");
    assertThatThrownBy(() -> WebhookConfig.of(List.of(URI.create("ftp://x/y")), SECRET))
        .hasMessageContaining("expected: an absolute http:// or https:// URL");
  }
}
