package dev.herald.example;

import dev.herald.spring.security.HeraldAccessPolicy;
import dev.herald.spring.security.HeraldGrants;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

/**
 * Who is logged in, and what that lets them read on the embedded hub: the book page and its API
 * stay open to all; the notifications page needs a login, and the {@link HeraldAccessPolicy} lets
 * each user receive the private notifications of their own id only. No JWT anywhere: the browser's
 * session cookie goes to the hub, which asks Spring Security whose session it is.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfig {

  @Bean
  HeraldAccessPolicy ownNotificationsOnly() {
    return (user, request) ->
        HeraldGrants.subscribe(NotificationsController.topicOf(user.getName()));
  }

  @Bean
  SecurityFilterChain security(HttpSecurity http) throws Exception {
    return http.authorizeHttpRequests(
            requests ->
                requests
                    .requestMatchers("/notifications.html", "/me")
                    .authenticated()
                    .anyRequest()
                    .permitAll())
        // The demo's curl commands have no CSRF token; a real application keeps the protection.
        .csrf(csrf -> csrf.ignoringRequestMatchers("/books/**", "/users/**"))
        .formLogin(login -> login.defaultSuccessUrl("/notifications.html", true))
        .build();
  }

  /** Two demo users; a real application has its own user store. */
  @Bean
  InMemoryUserDetailsManager users() {
    return new InMemoryUserDetailsManager(
        User.withUsername("alice").password("{noop}alice-password").roles("USER").build(),
        User.withUsername("bob").password("{noop}bob-password").roles("USER").build());
  }
}
