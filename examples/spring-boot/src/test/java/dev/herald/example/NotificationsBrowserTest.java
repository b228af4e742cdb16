package dev.herald.example;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The notifications page in Chromium: two browsers (two cookie jars), alice and bob log in through
 * the form, each page subscribes to the embedded hub with its session cookie alone, and each shows
 * its own user's notifications and no one else's. Skipped without Chromium (scripts/test.sh
 * installs it). Runs on the JUnit thread, which drives both browsers.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = "herald.embedded.listen=127.0.0.1:0")
class NotificationsBrowserTest {

  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final Duration WAIT = Duration.ofSeconds(30);

  @LocalServerPort int port;

  private final List<ChromeDriver> browsers = new ArrayList<>();
  private final List<ChromeDriverService> services = new ArrayList<>();

  @AfterEach
  void quit() {
    browsers.forEach(ChromeDriver::quit);
    services.forEach(ChromeDriverService::stop);
  }

  private ChromeDriver browser() throws Exception {
    Assumptions.assumeTrue(
        Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
        "browser tests need /usr/bin/chromium and /usr/bin/chromedriver");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--user-data-dir=" + Files.createTempDirectory("herald-example-chromium-"));
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(CHROMEDRIVER.toFile())
            .usingAnyFreePort()
            .build();
    services.add(service);
    ChromeDriver driver = new ChromeDriver(service, options);
    browsers.add(driver);
    return driver;
  }

  /** Logs in through the form; the page then subscribes with the session cookie. */
  private ChromeDriver loggedIn(String user, String password) throws Exception {
    ChromeDriver driver = browser();
    // localhost, as the page names the hub: the session cookie then goes to the hub's port too.
    driver.get("http://localhost:" + port + "/login");
    driver.findElement(By.name("username")).sendKeys(user);
    driver.findElement(By.name("password")).sendKeys(password);
    driver.findElement(By.cssSelector("button[type=submit]")).click();
    await()
        .atMost(WAIT)
        .until(
            () ->
                Boolean.TRUE.equals(
                    ((JavascriptExecutor) driver)
                        .executeScript(
                            "return window.notifications !== undefined"
                                + " && window.notifications.readyState === 1")));
    assertThat(driver.findElement(By.id("user")).getText()).isEqualTo(user);
    return driver;
  }

  private static List<String> shown(ChromeDriver driver) {
    return driver.findElements(By.cssSelector("#list li")).stream()
        .map(WebElement::getText)
        .toList();
  }

  private void notify(String user, String text) throws Exception {
    HttpResponse<String> sent =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(
                            "http://127.0.0.1:" + port + "/users/" + user + "/notifications"))
                    .POST(HttpRequest.BodyPublishers.ofString(text))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(sent.statusCode()).as(sent.body()).isEqualTo(200);
  }

  @Test
  void eachPageShowsItsOwnUsersNotificationsOnly() throws Exception {
    ChromeDriver alice = loggedIn("alice", "alice-password");
    ChromeDriver bob = loggedIn("bob", "bob-password");
    notify("bob", "bob-1");
    notify("alice", "alice-1");
    notify("bob", "bob-2");
    notify("alice", "alice-2");
    await().atMost(WAIT).until(() -> shown(alice).size() == 2 && shown(bob).size() == 2);
    assertThat(shown(alice)).containsExactly("alice-1", "alice-2");
    assertThat(shown(bob)).containsExactly("bob-1", "bob-2");
  }
}
