package dev.herald.server;

import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import io.netty.util.ResourceLeakTracker;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails the test after which Netty reports a leaked buffer (or any other reference-counted object
 * it tracks): the build runs with {@code io.netty.leakDetection.level=paranoid}, which alone only
 * logs. Registered for every test of this module by JUnit's extension auto-detection ({@code
 * META-INF/services}, {@code junit-platform.properties}).
 *
 * <p>Netty reports a leak once the leaked object was garbage-collected, when its detector next
 * tracks something; so after each test this collects garbage and makes every detector track once. A
 * leak collected only later is reported after a later test, which the message says.
 *
 * <p>Threading: the detectors report from whichever thread allocates (event loops included), into a
 * concurrent list; the check runs on JUnit's thread.
 */
public final class LeakCheck implements AfterEachCallback, AfterAllCallback {

  private static final List<String> LEAKS = new CopyOnWriteArrayList<>();
  private static final List<ResourceLeakDetector<?>> DETECTORS = new CopyOnWriteArrayList<>();

  static {
    // Before any Netty class creates its detector: the extension loads when the engine starts.
    ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new ReportingFactory());
  }

  /** Cheap: reports what the collector already found, so a leak found during a test fails it. */
  @Override
  public void afterEach(ExtensionContext context) {
    check(context, false);
  }

  /**
   * Collects garbage first (about 80 ms here, too dear after each of a property test's hundreds of
   * tries), so every leak of the class is found before it ends; the report's access records name
   * the test method that touched the buffer last.
   */
  @Override
  public void afterAll(ExtensionContext context) {
    check(context, true);
  }

  private static void check(ExtensionContext context, boolean collect) {
    if (ResourceLeakDetector.getLevel() == ResourceLeakDetector.Level.DISABLED) {
      return;
    }
    for (int round = 0; round < (collect ? 2 : 1) && LEAKS.isEmpty(); round++) {
      if (collect) {
        collectGarbage();
      }
      drainEveryDetector();
    }
    if (LEAKS.isEmpty()) {
      return;
    }
    List<String> found = new ArrayList<>(LEAKS);
    LEAKS.clear();
    throw new AssertionError(
        "Netty reported "
            + found.size()
            + " leak(s) after "
            + context.getDisplayName()
            + " (an object no one released; see its access records for the code that held it):\n"
            + String.join("\n", found));
  }

  /**
   * Collects garbage and waits (boundedly) until the collector's weak references were enqueued: a
   * sentinel's enqueueing follows the collection that found it, as the leaked objects' does.
   */
  private static void collectGarbage() {
    ReferenceQueue<Object> queue = new ReferenceQueue<>();
    WeakReference<Object> sentinel = new WeakReference<>(new Object(), queue);
    System.gc();
    try {
      queue.remove(1_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    sentinel.clear();
  }

  /** A detector reports what the collector found when it next tracks something: make each track. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static void drainEveryDetector() {
    Object probe = new Object();
    for (ResourceLeakDetector detector : DETECTORS) {
      ResourceLeakTracker tracker = detector.track(probe);
      if (tracker != null) {
        tracker.close(probe);
      }
    }
  }

  private static final class ReportingFactory extends ResourceLeakDetectorFactory {
    @Override
    public <T> ResourceLeakDetector<T> newResourceLeakDetector(
        Class<T> resource, int samplingInterval, long maxActive) {
      return newResourceLeakDetector(resource, samplingInterval);
    }

    @Override
    public <T> ResourceLeakDetector<T> newResourceLeakDetector(
        Class<T> resource, int samplingInterval) {
      ResourceLeakDetector<T> detector = new ReportingDetector<>(resource, samplingInterval);
      DETECTORS.add(detector);
      return detector;
    }
  }

  private static final class ReportingDetector<T> extends ResourceLeakDetector<T> {
    ReportingDetector(Class<?> resource, int samplingInterval) {
      super(resource, samplingInterval);
    }

    @Override
    protected boolean needReport() {
      return true; // whatever the logging configuration says
    }

    @Override
    protected void reportTracedLeak(String resourceType, String records) {
      LEAKS.add("LEAK: " + resourceType + records);
      super.reportTracedLeak(resourceType, records);
    }

    @Override
    protected void reportUntracedLeak(String resourceType) {
      LEAKS.add("LEAK: " + resourceType + " (no record)");
      super.reportUntracedLeak(resourceType);
    }
  }
}
