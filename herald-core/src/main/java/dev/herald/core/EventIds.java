package dev.herald.core;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Generates {@code urn:uuid:} event ids from UUIDv7 (RFC 9562): time-ordered, so ids sort roughly
 * by publish time, and random enough to be unique across hubs. The random bits come from a fast
 * generator, not SecureRandom: an id need not be secret (knowing one only lets a subscriber resume
 * after it, and every replayed event is still authorized). Safe from any thread.
 */
public final class EventIds {

  private EventIds() {}

  public static String next() {
    return "urn:uuid:" + uuidV7(System.currentTimeMillis());
  }

  static UUID uuidV7(long epochMillis) {
    byte[] random = new byte[10];
    ThreadLocalRandom.current().nextBytes(random);
    long msb = (epochMillis << 16) | 0x7000L | ((random[0] & 0x0FL) << 8) | (random[1] & 0xFFL);
    long lsb = 0x8000000000000000L | ((random[2] & 0x3FL) << 56);
    for (int i = 3; i < 10; i++) {
      lsb |= (random[i] & 0xFFL) << (8 * (9 - i));
    }
    return new UUID(msb, lsb);
  }
}
