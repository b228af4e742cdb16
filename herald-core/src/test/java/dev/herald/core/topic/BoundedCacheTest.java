package dev.herald.core.topic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BoundedCacheTest {

  @Test
  void computesOncePerKeyAndReturnsTheStoredValue() {
    BoundedCache<String, Object> cache = new BoundedCache<>(10);
    AtomicInteger computed = new AtomicInteger();
    Object first = cache.get("a", key -> new Object[] {key, computed.incrementAndGet()});
    Object second = cache.get("a", key -> new Object[] {key, computed.incrementAndGet()});
    assertThat(second).isSameAs(first);
    assertThat(computed).hasValue(1);
  }

  @Test
  void neverHoldsMoreThanItsCapacity() {
    BoundedCache<Integer, Integer> cache = new BoundedCache<>(100);
    for (int i = 0; i < 10_000; i++) {
      assertThat(cache.get(i, key -> key * 2)).isEqualTo(i * 2);
      assertThat(cache.size()).isLessThanOrEqualTo(100);
    }
  }

  @Test
  void staysBoundedUnderConcurrentInserts() throws Exception {
    int threads = 4;
    BoundedCache<String, String> cache = new BoundedCache<>(50);
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        done.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int i = 0; i < 5_000; i++) {
                    String key = (i % 2 == 0 ? "shared-" : "own-" + thread + "-") + (i % 500);
                    assertThat(cache.get(key, String::toUpperCase)).isEqualTo(key.toUpperCase());
                  }
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(cache.size()).isLessThanOrEqualTo(50 + threads);
  }

  @Test
  void rejectsNonPositiveCapacity() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new BoundedCache<String, String>(0))
        .withMessage("capacity: 0 (expected: >= 1)");
  }
}
