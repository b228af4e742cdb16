package dev.herald.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A loopback HTTP/1.1 server that answers each connection's request with the next scripted bytes,
 * for what a real hub cannot be made to send: a 503 with Retry-After, a stream that breaks the SSE
 * rules, an answer that never comes. One accept thread; {@link #close} ends it and every
 * connection.
 */
final class ScriptedHub implements AutoCloseable {

  /** Bytes to write after reading a request; {@code holdOpen} keeps the connection afterwards. */
  record Answer(byte[] bytes, boolean holdOpen) {
    static Answer of(String text) {
      return new Answer(text.getBytes(StandardCharsets.UTF_8), false);
    }

    static Answer stream(byte[] body, boolean holdOpen) {
      byte[] head =
          ("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n" + "Connection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII);
      byte[] all = new byte[head.length + body.length];
      System.arraycopy(head, 0, all, 0, head.length);
      System.arraycopy(body, 0, all, head.length, body.length);
      return new Answer(all, holdOpen);
    }

    static Answer stream(String body, boolean holdOpen) {
      return stream(body.getBytes(StandardCharsets.UTF_8), holdOpen);
    }

    static Answer status(int status, String reason, String... headers) {
      String body = reason + "\n";
      return of(
          "HTTP/1.1 "
              + status
              + " X\r\nContent-Type: text/plain\r\nConnection: close\r\n"
              + String.join("", List.of(headers).stream().map(h -> h + "\r\n").toList())
              + "Content-Length: "
              + body.getBytes(StandardCharsets.UTF_8).length
              + "\r\n\r\n"
              + body);
    }
  }

  /** One request as received: the head (request line and headers) and the body. */
  record Request(String head, String body) {
    String header(String name) {
      String prefix = name.toLowerCase(Locale.ROOT) + ":";
      return head.lines()
          .filter(l -> l.toLowerCase(Locale.ROOT).startsWith(prefix))
          .map(l -> l.substring(prefix.length()).strip())
          .findFirst()
          .orElse(null);
    }
  }

  private final ServerSocket socket;
  private final BlockingQueue<Answer> answers = new LinkedBlockingQueue<>();
  private final BlockingQueue<Request> requests = new LinkedBlockingQueue<>();
  private final List<Socket> open = new CopyOnWriteArrayList<>();
  private final Thread acceptor;

  ScriptedHub(Answer... script) throws IOException {
    socket = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
    answers.addAll(List.of(script));
    acceptor = new Thread(this::acceptLoop, "scripted-hub");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  URI url() {
    return Loopback.hubUrl((InetSocketAddress) socket.getLocalSocketAddress());
  }

  void then(Answer answer) {
    answers.add(answer);
  }

  /** The next request received, waiting for it at most {@link Loopback#WAIT}. */
  Request nextRequest() throws InterruptedException {
    Request request = requests.poll(Loopback.WAIT.toMillis(), TimeUnit.MILLISECONDS);
    if (request == null) {
      throw new AssertionError("no request within " + Loopback.WAIT);
    }
    return request;
  }

  int pendingRequests() {
    return requests.size();
  }

  private void acceptLoop() {
    while (!socket.isClosed()) {
      try {
        Socket connection = socket.accept();
        open.add(connection);
        connection.setSoTimeout((int) Loopback.WAIT.toMillis());
        Request request = read(connection.getInputStream());
        requests.add(request);
        Answer answer = answers.poll();
        OutputStream out = connection.getOutputStream();
        if (answer == null) {
          out.write(Answer.status(500, "script exhausted").bytes());
        } else {
          out.write(answer.bytes());
        }
        out.flush();
        if (answer == null || !answer.holdOpen()) {
          connection.close();
          open.remove(connection);
        }
      } catch (SocketException e) {
        return; // closed
      } catch (IOException e) {
        // a client that hung up mid-request: take the next
      }
    }
  }

  private static Request read(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    byte[] end = {'\r', '\n', '\r', '\n'};
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("request ended early");
      }
      head.write(b);
      matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    Request partial = new Request(head.toString(StandardCharsets.ISO_8859_1), "");
    String length = partial.header("Content-Length");
    byte[] body = length == null ? new byte[0] : in.readNBytes(Integer.parseInt(length));
    return new Request(partial.head(), new String(body, StandardCharsets.UTF_8));
  }

  @Override
  public void close() throws IOException {
    socket.close();
    for (Socket connection : open) {
      connection.close();
    }
  }
}
