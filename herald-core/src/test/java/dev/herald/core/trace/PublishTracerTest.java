package dev.herald.core.trace;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.core.Update;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

class PublishTracerTest {

  private static final Update UPDATE = Update.of("https://example.com/books/1", "hello");

  @Test
  void offTracesNoPublish() {
    assertThat(PublishTracer.OFF.accepted(UPDATE)).isNull();
  }

  /**
   * The dispatcher calls {@code accepted} on every publish: with tracing off that call must not
   * allocate. 100,000 calls that allocated even one small object each would show megabytes; the
   * margin only absorbs what reading the counter itself may cost.
   */
  @Test
  void offAllocatesNothingPerPublish() {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long thread = Thread.currentThread().getId();
    PublishTracer tracer = PublishTracer.OFF;
    int traced = countTraced(tracer, 100_000); // warms the call up before measuring
    long before = threads.getThreadAllocatedBytes(thread);
    traced += countTraced(tracer, 100_000);
    long allocated = threads.getThreadAllocatedBytes(thread) - before;
    assertThat(traced).isZero();
    assertThat(allocated).isLessThan(10_000);
  }

  private static int countTraced(PublishTracer tracer, int publishes) {
    int traced = 0;
    for (int i = 0; i < publishes; i++) {
      if (tracer.accepted(UPDATE) != null) {
        traced++;
      }
    }
    return traced;
  }
}
