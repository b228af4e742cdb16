package dev.herald.example;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A bookshop whose book pages update live: {@code mvn -pl examples/spring-boot
 * spring-boot:run}-style entry point.
 */
@SpringBootApplication
public class BooksApplication {

  public static void main(String[] args) {
    SpringApplication.run(BooksApplication.class, args);
  }
}
