package dev.herald.cli;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.herald.core.auth.JwtKey;
import dev.herald.core.auth.SigningKey;
import dev.herald.core.auth.TokenMinter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Mints a Mercure token for development: a draft-07 token with a {@code mercure} claim, or, with
 * {@code --issuer}, a draft-08 access token. Runs on the calling thread.
 */
@Command(
    name = "token",
    mixinStandardHelpOptions = true,
    description = {
      "Mints a Mercure JWT for development and tests, signed with an HMAC secret (--key) or an"
          + " RSA/EC private key (--private-key).",
      "Without --issuer: a draft-07 token (mercure claim). With --issuer and --audience: a"
          + " draft-08 RFC 9068 access token (typ at+jwt, authorization_details)."
    })
final class TokenCommand implements Callable<Integer> {

  /** Access tokens must expire; this is their lifetime when --ttl is not given. */
  static final Duration ACCESS_TOKEN_TTL = Duration.ofHours(1);

  @Spec CommandSpec spec;

  @Option(
      names = "--key",
      paramLabel = "SECRET",
      description = "HMAC secret (the hub's --jwt-key, or the secret of an --issuer).")
  String key;

  @Option(
      names = "--private-key",
      paramLabel = "FILE",
      description = "PEM private key (PKCS#8, RSA or EC) to sign with instead of --key.")
  Path privateKey;

  @Option(
      names = "--alg",
      paramLabel = "ALG",
      description =
          "Signature algorithm (default: HS256 with --key; RS256, or the ES algorithm"
              + " of the curve, with --private-key).")
  String alg;

  /** Splits a, b but not the commas of a URI template expression: books{?page,sort}. */
  private static final String SELECTORS = ",(?![^{]*})";

  @Option(
      names = "--publish",
      split = SELECTORS,
      paramLabel = "TOPIC",
      description =
          "Topic selector (draft-07) or matcher (draft-08) the token may publish to;"
              + " repeatable.")
  List<String> publish;

  @Option(
      names = "--subscribe",
      split = SELECTORS,
      paramLabel = "TOPIC",
      description =
          "Topic selector (draft-07) or matcher (draft-08) whose private updates the"
              + " token may receive; repeatable.")
  List<String> subscribe;

  @Option(
      names = "--payload",
      description =
          "JSON object: mercure.payload (draft-07) or the"
              + " subscribe grant's payload (draft-08).")
  String payload;

  @Option(
      names = "--ttl",
      converter = Converters.DurationConverter.class,
      description = "Lifetime, e.g. 1h (default: no expiry for draft-07, 1h for draft-08).")
  Duration ttl;

  @Option(
      names = "--issuer",
      paramLabel = "ISSUER",
      description = "Mint a draft-08 access token with this iss (one of the hub's --issuer).")
  String issuer;

  @Option(
      names = "--audience",
      paramLabel = "URL",
      description = "With --issuer: the aud, the hub's resource identifier (its --resource-id).")
  String audience;

  @Option(
      names = "--subject",
      paramLabel = "SUB",
      description = "With --issuer: the sub (default: a random urn:uuid).")
  String subject;

  @Option(
      names = "--match-type",
      paramLabel = "TYPE",
      description =
          "With --issuer: the match_type of every --publish and --subscribe matcher:"
              + " exact or urlpattern (default: omitted, which means exact).")
  String matchType;

  @Override
  public Integer call() {
    try {
      SigningKey signer = signingKey();
      Object payloadJson = payload == null ? null : JSONObjectUtils.parse(payload);
      String token =
          issuer != null || audience != null
              ? accessToken(signer, payloadJson)
              : draft07Token(signer, payloadJson);
      spec.commandLine().getOut().println(token);
      return 0;
    } catch (ParseException e) {
      // The parser's message ("Invalid JSON object") says less than the value itself.
      spec.commandLine()
          .getErr()
          .println(
              "token: --payload: "
                  + payload
                  + " (expected: a JSON object, e.g. {\"user\":\"alice\"})");
      return Main.USAGE_ERROR;
    } catch (IllegalArgumentException e) {
      spec.commandLine().getErr().println("token: " + e.getMessage());
      return Main.USAGE_ERROR;
    }
  }

  private String draft07Token(SigningKey signer, Object payloadJson) {
    for (String[] option : new String[][] {{"--subject", subject}, {"--match-type", matchType}}) {
      if (option[1] != null) {
        throw new IllegalArgumentException(
            option[0].substring(2)
                + ": set without --issuer"
                + " (expected: --issuer and --audience, for a draft-08 access token)");
      }
    }
    return TokenMinter.mint(signer, publish, subscribe, payloadJson, ttl, Clock.systemUTC());
  }

  private String accessToken(SigningKey signer, Object payloadJson) {
    if (issuer == null || audience == null) {
      throw new IllegalArgumentException(
          (issuer == null ? "issuer" : "audience")
              + ": missing"
              + " (expected: both --issuer and --audience for a draft-08 access token)");
    }
    if (matchType != null && !matchType.equals("exact") && !matchType.equals("urlpattern")) {
      throw new IllegalArgumentException(
          "match-type: " + matchType + " (expected: exact or urlpattern)");
    }
    return TokenMinter.mintAccessToken(
        signer,
        new TokenMinter.AccessTokenRequest(
            issuer,
            audience,
            subject,
            grants(publish),
            grants(subscribe),
            payloadJson,
            ttl != null ? ttl : ACCESS_TOKEN_TTL),
        Clock.systemUTC());
  }

  private List<TokenMinter.TopicGrant> grants(List<String> matches) {
    return matches == null
        ? List.of()
        : matches.stream().map(m -> new TokenMinter.TopicGrant(m, matchType)).toList();
  }

  private SigningKey signingKey() {
    if ((key == null) == (privateKey == null)) {
      throw new IllegalArgumentException(
          "key: "
              + (key == null ? "none given" : "both given")
              + " (expected: exactly one of --key SECRET and --private-key FILE)");
    }
    if (key != null) {
      return SigningKey.of(JwtKey.parse(alg == null ? "HS256" : alg, key));
    }
    String pem;
    try {
      pem = Files.readString(privateKey, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "private-key: cannot read " + privateKey + " (" + e.getClass().getSimpleName() + ")", e);
    }
    return SigningKey.fromPem(pem, alg);
  }
}
