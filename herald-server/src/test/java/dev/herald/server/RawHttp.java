package dev.herald.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Sends one request of arbitrary bytes over a fresh socket and reads one response: status, headers
 * and (by {@code Content-Length}) body; a response without a length (an event stream) is read up to
 * its headers only. Bounded by a socket timeout, so a hub that never answers fails the test instead
 * of hanging it. For the JUnit thread only.
 */
final class RawHttp {

  private static final int TIMEOUT_MILLIS = 10_000;
  private static final int MAX_HEAD = 64 * 1024;

  record Response(int status, Map<String, String> headers, String body) {}

  private RawHttp() {}

  static Response exchange(int port, byte[] request) throws IOException {
    return pipelined(port, request, 1).get(0);
  }

  /** Writes {@code requests} in one go and reads {@code count} responses off the connection. */
  static List<Response> pipelined(int port, byte[] requests, int count) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), TIMEOUT_MILLIS);
      socket.setSoTimeout(TIMEOUT_MILLIS);
      socket.getOutputStream().write(requests);
      socket.getOutputStream().flush();
      InputStream in = socket.getInputStream();
      List<Response> responses = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        responses.add(response(in));
      }
      return responses;
    }
  }

  private static Response response(InputStream in) throws IOException {
    String statusLine = line(in);
    if (statusLine == null) {
      throw new IOException("connection closed without a response");
    }
    String[] parts = statusLine.split(" ", 3);
    int status = Integer.parseInt(parts[1]);
    Map<String, String> headers = new LinkedHashMap<>();
    for (String header = line(in); header != null && !header.isEmpty(); header = line(in)) {
      int colon = header.indexOf(':');
      headers.put(
          header.substring(0, colon).trim().toLowerCase(Locale.ROOT),
          header.substring(colon + 1).trim());
    }
    String length = headers.get("content-length");
    String body =
        length == null
            ? ""
            : new String(in.readNBytes(Integer.parseInt(length)), StandardCharsets.UTF_8);
    return new Response(status, headers, body);
  }

  /** A line ended by CRLF, without it; null at the end of the stream. */
  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int b = in.read(); b >= 0; b = in.read()) {
      if (b == '\n') {
        byte[] bytes = line.toByteArray();
        int end =
            bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        return new String(bytes, 0, end, StandardCharsets.UTF_8);
      }
      if (line.size() >= MAX_HEAD) {
        throw new IOException("response head over " + MAX_HEAD + " bytes");
      }
      line.write(b);
    }
    return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
  }
}
