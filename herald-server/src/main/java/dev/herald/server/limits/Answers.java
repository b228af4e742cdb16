package dev.herald.server.limits;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http.FullHttpResponse;
import java.util.concurrent.TimeUnit;

/**
 * The front door's last word on a request, built by its {@link Refusal}: sent, then the connection
 * closed. Runs on the channel's event loop.
 */
final class Answers {

  /**
   * How long a connection stays half-closed after its last answer, reading and dropping what the
   * client still sends, so that answer is read instead of lost to a reset.
   */
  static final long LINGER_MILLIS = 1_000;

  private Answers() {}

  /**
   * Writes the answer from {@code ctx} towards the socket, then closes: an HTTP/2 stream at once, a
   * connection after its output is shut down and a short linger. The close is due after the linger
   * whether or not the write completes, so a client that reads nothing cannot keep the connection.
   */
  static void sendAndClose(ChannelHandlerContext ctx, FullHttpResponse response) {
    Channel channel = ctx.channel();
    if (!(channel instanceof DuplexChannel duplex)) {
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
      return;
    }
    channel.eventLoop().schedule(() -> channel.close(), LINGER_MILLIS, TimeUnit.MILLISECONDS);
    ctx.writeAndFlush(response)
        .addListener(
            (ChannelFutureListener)
                written -> {
                  if (written.isSuccess()) {
                    duplex.shutdownOutput();
                  } else {
                    channel.close();
                  }
                });
  }
}
