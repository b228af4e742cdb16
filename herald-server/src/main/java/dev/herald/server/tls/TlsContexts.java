package dev.herald.server.tls;

import io.netty.handler.codec.http2.Http2SecurityUtil;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * Builds the server's TLS context: HTTP/2 via ALPN ({@code h2}, falling back to {@code http/1.1}),
 * BoringSSL when its native library loads, the JDK's provider otherwise.
 */
public final class TlsContexts {

  private TlsContexts() {}

  /** The provider in use: OpenSSL (BoringSSL) if available, else the JDK. */
  public static SslProvider provider() {
    return OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
  }

  /**
   * From PEM files: a certificate chain and a private key (PKCS#8, PKCS#1 RSA or SEC1 EC).
   *
   * @throws IllegalArgumentException naming the file that cannot be used and why
   */
  public static SslContext fromPem(Path certificateChain, Path privateKey) {
    return build(readKey(privateKey), readChain(certificateChain));
  }

  public static SslContext forDevelopment(DevelopmentCertificate certificate) {
    return build(certificate.key(), certificate.certificate());
  }

  private static SslContext build(PrivateKey key, X509Certificate... chain) {
    try {
      return SslContextBuilder.forServer(key, chain)
          .sslProvider(provider())
          .ciphers(Http2SecurityUtil.CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
          .applicationProtocolConfig(
              new ApplicationProtocolConfig(
                  ApplicationProtocolConfig.Protocol.ALPN,
                  ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                  ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                  ApplicationProtocolNames.HTTP_2,
                  ApplicationProtocolNames.HTTP_1_1))
          .build();
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "tls: the key does not fit the certificate: " + e.getMessage(), e);
    }
  }

  private static X509Certificate[] readChain(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      Collection<? extends java.security.cert.Certificate> certificates =
          CertificateFactory.getInstance("X.509").generateCertificates(in);
      if (certificates.isEmpty()) {
        throw new IllegalArgumentException(
            "tls-cert: " + file + " holds no certificate (expected: PEM)");
      }
      return certificates.toArray(X509Certificate[]::new);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "tls-cert: cannot read " + file + ": " + e.getMessage(), e);
    } catch (CertificateException e) {
      throw new IllegalArgumentException(
          "tls-cert: " + file + " is not a PEM certificate chain: " + e.getMessage(), e);
    }
  }

  private static PrivateKey readKey(Path file) {
    try (Reader reader = Files.newBufferedReader(file);
        PEMParser parser = new PEMParser(reader)) {
      Object pem = parser.readObject();
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
      if (pem instanceof PEMKeyPair pair) {
        return converter.getKeyPair(pair).getPrivate();
      }
      if (pem instanceof PrivateKeyInfo info) {
        return converter.getPrivateKey(info);
      }
      throw new IllegalArgumentException(
          "tls-key: "
              + file
              + " holds no unencrypted private key (expected: PEM 'PRIVATE KEY', 'RSA PRIVATE KEY' or 'EC PRIVATE KEY')");
    } catch (IOException e) {
      throw new IllegalArgumentException("tls-key: cannot read " + file + ": " + e.getMessage(), e);
    }
  }
}
