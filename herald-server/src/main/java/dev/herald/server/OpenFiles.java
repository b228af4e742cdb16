package dev.herald.server;

import com.sun.management.UnixOperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;

/** The process's open-file limit and use, where the JVM can tell. Stateless; any thread. */
final class OpenFiles {

  private OpenFiles() {}

  /** The limit ({@code ulimit -n}), or -1 when unknown. */
  static long limit() {
    return os() instanceof UnixOperatingSystemMXBean unix ? unix.getMaxFileDescriptorCount() : -1;
  }

  /** Files open now, or -1 when unknown. */
  static long open() {
    return os() instanceof UnixOperatingSystemMXBean unix ? unix.getOpenFileDescriptorCount() : -1;
  }

  private static OperatingSystemMXBean os() {
    return ManagementFactory.getOperatingSystemMXBean();
  }
}
