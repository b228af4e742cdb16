package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * One headless Debian Chromium driven by Selenium, with its own throw-away profile. Tests share one
 * per class (a launch costs about a second); {@link #close} quits it and deletes the profile.
 *
 * <p>Used from the test thread only.
 */
final class Browser implements AutoCloseable {

  /** Set by scripts/test.sh (CI): a missing Chromium fails the build instead of skipping. */
  static final String REQUIRED_PROPERTY = "herald.browser.required";

  static final Path CHROMIUM = Path.of(System.getProperty("herald.chromium", "/usr/bin/chromium"));
  static final Path CHROMEDRIVER =
      Path.of(System.getProperty("herald.chromedriver", "/usr/bin/chromedriver"));
  static final Path SCREENSHOTS = Path.of("target", "screenshots");
  static final Duration WAIT = Duration.ofSeconds(15);

  /** Flags that work on this kind of machine (see shared/deps-verified.md). */
  private static final List<String> FLAGS =
      List.of(
          "--headless",
          "--no-sandbox",
          "--disable-gpu",
          "--disable-quic",
          "--no-first-run",
          "--disable-background-networking",
          "--disable-component-update",
          "--disable-sync",
          "--window-size=1280,800",
          // the hub's generated development certificate is self-signed
          "--ignore-certificate-errors");

  /**
   * Console errors that are the network's doing, expected when a test stops the hub: a refused
   * reconnection is how EventSource retries.
   */
  private static final List<String> EXPECTED_NETWORK_ERRORS =
      List.of(
          "net::ERR_CONNECTION_REFUSED",
          "net::ERR_CONNECTION_RESET",
          "net::ERR_EMPTY_RESPONSE",
          "net::ERR_INCOMPLETE_CHUNKED_ENCODING",
          "net::ERR_CONNECTION_CLOSED");

  /**
   * Selenium warns on every launch that it has no DevTools bindings for this Chromium version; the
   * tests use none (the screenshot command goes through chromedriver). Held so the setting is not
   * lost with a collected logger.
   */
  private static final java.util.logging.Logger DEVTOOLS_LOG =
      quiet("org.openqa.selenium.devtools");

  final ChromeDriver driver;
  private final ChromeDriverService service;
  private final Path profile;

  private Browser(ChromeDriver driver, ChromeDriverService service, Path profile) {
    this.driver = driver;
    this.service = service;
    this.profile = profile;
  }

  /** Launches Chromium, or skips (fails, when {@value #REQUIRED_PROPERTY} is set) without it. */
  static Browser launch() throws IOException {
    boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    if (!present) {
      String message =
          "browser tests need "
              + CHROMIUM
              + " and "
              + CHROMEDRIVER
              + " (apt-get install chromium chromium-driver; scripts/test.sh does it)";
      if (Boolean.getBoolean(REQUIRED_PROPERTY)) {
        Assertions.fail(message + ", and -D" + REQUIRED_PROPERTY + "=true says they must run");
      }
      Assumptions.abort("skipped: " + message);
    }
    Path profile = Files.createTempDirectory("herald-chromium-");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(FLAGS);
    options.addArguments("--user-data-dir=" + profile);
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability(ChromeOptions.LOGGING_PREFS, logs);
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(CHROMEDRIVER.toFile())
            .usingAnyFreePort()
            .build();
    try {
      return new Browser(new ChromeDriver(service, options), service, profile);
    } catch (RuntimeException e) {
      service.stop();
      deleteTree(profile);
      throw e;
    }
  }

  /** Waits (bounded) until the condition holds, polling every 100 ms. */
  <T> T until(Function<WebDriver, T> condition) {
    return new WebDriverWait(driver, WAIT, Duration.ofMillis(100)).until(condition);
  }

  WebElement byId(String id) {
    return driver.findElement(By.id(id));
  }

  String text(String id) {
    return byId(id).getText().trim();
  }

  /** Waits until the element's text is {@code expected}. */
  void untilText(String id, String expected) {
    until(d -> text(id).equals(expected));
  }

  /** Clicks once the element is enabled (Vue enables buttons as state arrives). */
  void click(String id) {
    WebElement element =
        until(
            d -> {
              WebElement e = byId(id);
              return e.isDisplayed() && e.isEnabled() ? e : null;
            });
    element.click();
  }

  /**
   * Replaces the field's text by keystrokes, so the page sees input events (clear() sends none).
   */
  void type(String id, String value) {
    WebElement field = byId(id);
    field.sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.DELETE);
    if (!value.isEmpty()) {
      field.sendKeys(value);
    }
    until(d -> value.equals(field.getDomProperty("value")));
  }

  Object script(String javascript, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(javascript, args);
  }

  /** Loads the page and waits for Vue to mount and for the hub's /info to arrive. */
  void open(String url) {
    driver.get(url);
    until(d -> !d.findElements(By.cssSelector("#app:not([v-cloak]) #connect")).isEmpty());
  }

  /**
   * Saves a screenshot of the window, or of the whole of one element when {@code id} is given
   * (WebDriver's element screenshot stops at the window's edge; Chromium's own command does not).
   */
  @SuppressWarnings("unchecked")
  Path screenshot(String name, String id) {
    try {
      Files.createDirectories(SCREENSHOTS);
      byte[] png;
      if (id == null) {
        png = ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES);
      } else {
        Map<String, Object> box =
            (Map<String, Object>)
                script(
                    "const r = document.getElementById(arguments[0]).getBoundingClientRect();"
                        + "return {x: r.left + scrollX, y: r.top + scrollY, width: r.width, height: r.height, scale: 1};",
                    id);
        Map<String, Object> shot =
            driver.executeCdpCommand(
                "Page.captureScreenshot",
                Map.of("format", "png", "captureBeyondViewport", true, "clip", box));
        png = Base64.getDecoder().decode((String) shot.get("data"));
      }
      Path file = SCREENSHOTS.resolve(name + ".png");
      Files.write(file, png);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Forgets what the console said so far. */
  void clearConsole() {
    driver.manage().logs().get(LogType.BROWSER);
  }

  /** Fails on console errors other than the network errors a stopped hub causes. */
  void assertNoConsoleErrors() {
    List<String> errors = new ArrayList<>();
    for (LogEntry entry : driver.manage().logs().get(LogType.BROWSER)) {
      String message = entry.getMessage();
      if (entry.getLevel().intValue() >= Level.SEVERE.intValue()
          && EXPECTED_NETWORK_ERRORS.stream().noneMatch(message::contains)) {
        errors.add(message);
      }
    }
    assertThat(errors).as("console errors").isEmpty();
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      service.stop();
      deleteTree(profile);
    }
  }

  private static java.util.logging.Logger quiet(String name) {
    java.util.logging.Logger logger = java.util.logging.Logger.getLogger(name);
    logger.setLevel(Level.SEVERE);
    return logger;
  }

  private static void deleteTree(Path root) {
    // Chromium may still be flushing a file as it exits, so a second pass takes the stragglers.
    for (int pass = 0; pass < 2 && Files.exists(root); pass++) {
      try (Stream<Path> paths = Files.walk(root)) {
        paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      } catch (IOException | UncheckedIOException e) {
        // the next pass retries; what remains is reported below
      }
    }
    if (Files.exists(root)) {
      System.err.println("could not delete the browser profile " + root);
    }
  }
}
