package dev.herald.example;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.herald.client.Publication;
import dev.herald.spring.HeraldTemplate;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * Reviews kept in PostgreSQL, when {@code books.database-url} names one: a review and its update
 * are written in one transaction ({@link HeraldTemplate#publishInTransaction}, an outbox row the
 * embedded hub consumes with {@code herald.embedded.outbox}), so a review that commits is always
 * announced, even if the application dies right after. A page loads a book's reviews with the hub's
 * position and subscribes from it; each update carries the review's id, for the page to skip one it
 * already loaded. Runs on the web server's request threads.
 */
@RestController
@ConditionalOnProperty("books.database-url")
class ReviewsController {

  private final HeraldTemplate herald;
  private final JdbcTemplate jdbc;
  private final TransactionTemplate transactions;

  ReviewsController(HeraldTemplate herald, DataSource dataSource, PlatformTransactionManager tx) {
    this.herald = herald;
    this.jdbc = new JdbcTemplate(dataSource);
    this.transactions = new TransactionTemplate(tx);
    jdbc.execute(
        "CREATE TABLE IF NOT EXISTS reviews (id bigserial PRIMARY KEY, book bigint, text text)");
  }

  @PostMapping("/books/{id}/reviews")
  ResponseEntity<Map<String, Object>> review(@PathVariable long id, @RequestBody String text) {
    if (text.isBlank() || text.length() > 2_000) {
      return ResponseEntity.badRequest().body(Map.of("error", "review: 1 to 2000 characters"));
    }
    String eventId =
        transactions.execute(
            status -> {
              long review =
                  jdbc.queryForObject(
                      "INSERT INTO reviews (book, text) VALUES (?, ?) RETURNING id",
                      Long.class,
                      id,
                      text);
              return herald.publishInTransaction(
                  Publication.to(BooksController.TOPIC + id + "/reviews")
                      .data(
                          "{\"id\":"
                              + review
                              + ",\"book\":"
                              + id
                              + ",\"text\":"
                              + BooksController.json(text)
                              + "}")
                      .type("review")
                      .build());
            });
    return ResponseEntity.ok(Map.of("book", id, "event", eventId));
  }

  /**
   * The book's reviews in the order they were written, with the hub's position as the discovery
   * {@code Link}: read before the reviews, so a page subscribing from it misses none written after.
   */
  @GetMapping("/books/{id}/reviews")
  ResponseEntity<Map<String, Object>> reviews(@PathVariable long id) {
    String link = herald.discoveryLink();
    List<Map<String, Object>> reviews =
        jdbc.queryForList("SELECT id, text FROM reviews WHERE book = ? ORDER BY id", id);
    return ResponseEntity.ok()
        .header(HttpHeaders.LINK, link)
        .body(Map.of("book", id, "reviews", reviews));
  }

  /** The application's database, only when one is configured. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnProperty("books.database-url")
  static class Database {

    /** A pool, as an application has: a connection per transaction would cost ~20 ms each. */
    @Bean(destroyMethod = "close")
    HikariDataSource dataSource(Environment environment) {
      HikariConfig pool = new HikariConfig();
      pool.setJdbcUrl(environment.getRequiredProperty("books.database-url"));
      pool.setUsername(environment.getProperty("books.database-user", "postgres"));
      pool.setPassword(environment.getProperty("books.database-password", ""));
      pool.setMaximumPoolSize(4);
      return new HikariDataSource(pool);
    }

    @Bean
    PlatformTransactionManager transactionManager(DataSource dataSource) {
      return new DataSourceTransactionManager(dataSource);
    }
  }
}
