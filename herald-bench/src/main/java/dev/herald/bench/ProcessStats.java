package dev.herald.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the generator observes of the hub process from outside: resident memory and CPU time from
 * {@code /proc}, and optionally the live Java heap through {@code jcmd} (a full GC, then {@code
 * GC.heap_info}). Stateless; a failed read gives -1, so a missing process never stops a run.
 */
final class ProcessStats {

  /** Clock ticks per second of /proc/PID/stat times; USER_HZ is 100 on every Linux x86 kernel. */
  static final double CLOCK_TICKS = 100.0;

  private static final Pattern USED = Pattern.compile("used (\\d+)K");

  private ProcessStats() {}

  /** VmRSS of the process in KiB, or -1. */
  static long rssKb(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.substring(6).trim().split("\\s+")[0]);
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }

  /** User plus system CPU seconds of the process (all threads), or -1. */
  static double cpuSeconds(long pid) {
    double[] times = cpuTimes(pid);
    return times == null ? -1 : times[0] + times[1];
  }

  /** {user, system} CPU seconds of the process (all threads), or null. */
  static double[] cpuTimes(long pid) {
    try {
      return cpuTimesOf(Files.readString(Path.of("/proc/" + pid + "/stat")));
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /**
   * CPU seconds (user + system) per thread of the process, keyed by thread id, with the thread's
   * name (as the kernel knows it: at most 15 characters) as the first element; empty on failure.
   */
  static Map<String, Object[]> threadTimes(long pid) {
    Map<String, Object[]> out = new HashMap<>();
    try (DirectoryStream<Path> tasks =
        Files.newDirectoryStream(Path.of("/proc/" + pid + "/task"))) {
      for (Path task : tasks) {
        try {
          String stat = Files.readString(task.resolve("stat"));
          String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
          out.put(task.getFileName().toString(), new Object[] {name, cpuSecondsOf(stat)});
        } catch (IOException | RuntimeException gone) {
          // the thread ended meanwhile
        }
      }
    } catch (IOException | RuntimeException e) {
      return out;
    }
    return out;
  }

  /**
   * CPU seconds spent between two {@link #threadTimes} snapshots, summed per thread group (the name
   * without its trailing number, e.g. "C2 CompilerThre", "multiThreadIoEv"), largest first.
   */
  static Map<String, Double> threadGroupDelta(
      Map<String, Object[]> before, Map<String, Object[]> after) {
    Map<String, Double> groups = new HashMap<>();
    for (Map.Entry<String, Object[]> entry : after.entrySet()) {
      Object[] now = entry.getValue();
      Object[] then = before.get(entry.getKey());
      double delta = (Double) now[1] - (then == null ? 0 : (Double) then[1]);
      String group = ((String) now[0]).replaceAll("[-#]?\\d+$", "").replaceAll("-\\d+-$", "");
      groups.merge(group, delta, Double::sum);
    }
    Map<String, Double> sorted = new LinkedHashMap<>();
    groups.entrySet().stream()
        .filter(e -> e.getValue() > 0)
        .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
        .limit(10)
        .forEach(e -> sorted.put(e.getKey(), Math.round(e.getValue() * 100) / 100.0));
    return sorted;
  }

  /** utime + stime (fields 14 and 15) of a /proc/PID/stat line, in seconds. */
  static double cpuSecondsOf(String stat) {
    double[] times = cpuTimesOf(stat);
    return times[0] + times[1];
  }

  /** {utime, stime} (fields 14 and 15) of a /proc/PID/stat line, in seconds. */
  static double[] cpuTimesOf(String stat) {
    // The command name (field 2) may contain spaces and parentheses: count from the last ')'.
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
    return new double[] {
      Long.parseLong(fields[11]) / CLOCK_TICKS, Long.parseLong(fields[12]) / CLOCK_TICKS
    };
  }

  /**
   * The Java heap in use after a full collection, in KiB, or -1: runs {@code jcmd PID GC.run} and
   * {@code jcmd PID GC.heap_info} (each bounded to 30 s) and sums the generations' "used".
   */
  static long liveHeapKb(long pid) {
    String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
    if (run(jcmd, String.valueOf(pid), "GC.run") == null) {
      return -1;
    }
    String info = run(jcmd, String.valueOf(pid), "GC.heap_info");
    return info == null ? -1 : heapUsedKb(info);
  }

  /** Sums "used NK" over the heap lines of GC.heap_info output (not Metaspace, class space). */
  static long heapUsedKb(String heapInfo) {
    long used = 0;
    boolean found = false;
    for (String line : heapInfo.split("\n")) {
      if (!line.contains("total") || line.contains("Metaspace") || line.contains("class space")) {
        continue;
      }
      Matcher m = USED.matcher(line);
      if (m.find()) {
        used += Long.parseLong(m.group(1));
        found = true;
      }
    }
    return found ? used : -1;
  }

  private static String run(String... command) {
    Path out = null;
    try {
      out = Files.createTempFile("herald-loadgen-jcmd", ".txt");
      Process process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(out.toFile())
              .start();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return null;
      }
      return process.exitValue() == 0 ? Files.readString(out) : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    } finally {
      if (out != null) {
        try {
          Files.deleteIfExists(out);
        } catch (IOException ignored) {
          // a leftover temp file is harmless
        }
      }
    }
  }
}
