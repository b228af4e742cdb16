package dev.herald.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

/**
 * The flush policy of every connection: answers written while a read is in progress leave in one
 * flush when the read completes (a publisher's pipelined requests, one send); a write outside a
 * read (an event for a subscriber) is flushed at once. Runs on the JUnit thread.
 */
class FlushConsolidationTest {

  /** Counts the flushes that reach the socket end of the pipeline. */
  private static final class FlushCounter extends ChannelOutboundHandlerAdapter {
    int flushes;

    @Override
    public void flush(ChannelHandlerContext ctx) {
      flushes++;
      ctx.flush();
    }
  }

  /** Answers every message at once, as a publish sequenced on the loop that read it is. */
  private static final class AnswerEach extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ctx.writeAndFlush("answer to " + msg);
    }
  }

  @Test
  void answersToRequestsReadTogetherLeaveInOneFlush() {
    FlushCounter counter = new FlushCounter();
    EmbeddedChannel channel =
        new EmbeddedChannel(counter, HttpPipelines.flushConsolidation(), new AnswerEach());
    int before = counter.flushes;

    channel.writeInbound("p1", "p2", "p3", "p4"); // one read: four reads, then one read complete

    assertThat(counter.flushes - before).isEqualTo(1);
    assertThat(channel.outboundMessages())
        .containsExactly("answer to p1", "answer to p2", "answer to p3", "answer to p4");
    channel.finishAndReleaseAll();
  }

  @Test
  void aWriteOutsideAReadIsFlushedAtOnce() {
    FlushCounter counter = new FlushCounter();
    EmbeddedChannel channel =
        new EmbeddedChannel(counter, HttpPipelines.flushConsolidation(), new AnswerEach());
    int before = counter.flushes;

    channel.writeAndFlush("event for a subscriber");

    assertThat(counter.flushes - before).isEqualTo(1);
    assertThat((Object) channel.readOutbound()).isEqualTo("event for a subscriber");
    channel.finishAndReleaseAll();
  }
}
