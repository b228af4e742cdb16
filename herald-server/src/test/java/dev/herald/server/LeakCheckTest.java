package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import org.junit.jupiter.api.Test;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * {@link LeakCheck}, seen from outside: a class whose test leaks a buffer fails, naming the test;
 * one that releases passes.
 */
class LeakCheckTest {

  @Test
  void aClassWhoseTestLeaksABufferFailsNamingTheTest() {
    TestExecutionSummary summary = run(Fixtures.class);

    assertThat(summary.getFailures())
        .singleElement()
        .satisfies(
            failure ->
                assertThat(failure.getException())
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("Netty reported 1 leak(s) after LeakCheckTest$Fixtures")
                    .hasMessageContaining("LEAK: ByteBuf")
                    // the access records name the test that touched the buffer last
                    .hasMessageContaining("LeakCheckTest$Fixtures.leaks(")
                    .hasMessageNotContaining("Fixtures.releases("));
  }

  @Test
  void aClassThatReleasesEverythingPasses() {
    TestExecutionSummary summary = run(Clean.class);

    assertThat(summary.getTestsSucceededCount()).isEqualTo(1);
    assertThat(summary.getFailures()).isEmpty();
  }

  private static TestExecutionSummary run(Class<?> tests) {
    Launcher launcher = LauncherFactory.create();
    SummaryGeneratingListener listener = new SummaryGeneratingListener();
    launcher.execute(
        LauncherDiscoveryRequestBuilder.request().selectors(selectClass(tests)).build(), listener);
    return listener.getSummary();
  }

  /** Run only through {@link #run}: a nested class of a test class is not one of the suite's. */
  static class Fixtures {

    @Test
    void releases() {
      ByteBuf buffer = PooledByteBufAllocator.DEFAULT.buffer(64);
      buffer.writeLong(1);
      buffer.release();
    }

    @Test
    void leaks() {
      ByteBuf buffer = PooledByteBufAllocator.DEFAULT.buffer(64);
      buffer.writeLong(1);
      // dropped without release: collectable, never returned to the pool
    }
  }

  static class Clean {
    @Test
    void releases() {
      ByteBuf buffer = PooledByteBufAllocator.DEFAULT.buffer(64);
      buffer.writeLong(1);
      buffer.release();
    }
  }
}
