package dev.herald.spring.security;

import dev.herald.server.auth.AccessDecider;
import jakarta.servlet.http.HttpSessionListener;
import java.time.Clock;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;

/**
 * With Spring Security and a servlet container on the classpath, an embedded hub and a {@link
 * HeraldAccessPolicy} bean: the hub's requests without a token are decided from the application's
 * sessions. Imported by the starter's auto-configuration; runs on Spring's start-up thread.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass({
  Authentication.class,
  HttpSessionSecurityContextRepository.class,
  HttpSessionListener.class
})
@ConditionalOnProperty(prefix = "herald.embedded", name = "enabled", havingValue = "true")
@ConditionalOnBean(HeraldAccessPolicy.class)
public class HeraldSecurityConfiguration {

  /** The servlet container's session cookie unless the application renamed it. */
  static final String DEFAULT_SESSION_COOKIE = "JSESSIONID";

  @Bean
  SessionDirectory heraldSessionDirectory() {
    return new SessionDirectory(); // Boot registers HttpSessionListener beans with the container
  }

  @Bean(destroyMethod = "") // the embedded hub's server closes it with its routes
  AccessDecider heraldSpringSecurityDecider(
      HeraldAccessPolicy policy, SessionDirectory sessions, Environment environment) {
    return new SpringSecurityDecider(
        policy,
        sessions,
        environment.getProperty("server.servlet.session.cookie.name", DEFAULT_SESSION_COOKIE),
        Clock.systemUTC());
  }
}
