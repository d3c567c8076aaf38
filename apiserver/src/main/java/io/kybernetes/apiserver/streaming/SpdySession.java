package io.kybernetes.apiserver.streaming;

import java.util.Map;

import org.jboss.logging.Logger;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.spdy.DefaultSpdyDataFrame;
import io.netty.handler.codec.spdy.DefaultSpdyGoAwayFrame;
import io.netty.handler.codec.spdy.DefaultSpdyPingFrame;
import io.netty.handler.codec.spdy.DefaultSpdyRstStreamFrame;
import io.netty.handler.codec.spdy.DefaultSpdySynStreamFrame;
import io.netty.handler.codec.spdy.SpdyDataFrame;
import io.netty.handler.codec.spdy.SpdyFrameCodec;
import io.netty.handler.codec.spdy.SpdyGoAwayFrame;
import io.netty.handler.codec.spdy.SpdyPingFrame;
import io.netty.handler.codec.spdy.SpdyRstStreamFrame;
import io.netty.handler.codec.spdy.SpdyStreamStatus;
import io.netty.handler.codec.spdy.SpdySynStreamFrame;
import io.netty.handler.codec.spdy.SpdyVersion;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.buffer.Buffer;

/**
 * The client side of a SPDY/3.1 connection as upstream's streaming protocols use it (moby/spdystream on the other
 * end): the client opens streams with SYN_STREAM frames whose headers name the stream's role, sends DATA frames and
 * half-closes with FIN. There is no flow control, as spdystream has none. Netty's frame codec does the framing and
 * the zlib header compression; it runs in an {@link EmbeddedChannel} so the session is driven from whatever socket
 * carries the bytes (a Vert.x NetSocket here), on that socket's context.
 */
final class SpdySession {

    private static final Logger LOG = Logger.getLogger(SpdySession.class);

    /** What happens on the connection. Called on the thread that feeds {@link #receive}. */
    interface Listener {
        /** Data from the server on one of our streams. */
        void data(int streamId, Buffer data);

        /** The server half-closed (FIN) or reset the stream. */
        void closed(int streamId);

        /** The server said GOAWAY or sent something undecodable: the session is over. */
        void ended(String why);
    }

    /** Where the encoded bytes go. */
    interface Sink {
        void write(Buffer bytes);
    }

    private final EmbeddedChannel codec = new EmbeddedChannel(new SpdyFrameCodec(SpdyVersion.SPDY_3_1));
    private final Sink sink;
    private final Listener listener;
    private int nextStreamId = 1;
    private boolean ended;

    SpdySession(Sink sink, Listener listener) {
        this.sink = sink;
        this.listener = listener;
    }

    /** Opens a client stream (odd ids, in order) with the given headers; returns its id. */
    int open(Map<String, String> headers, boolean fin) {
        int id = nextStreamId;
        nextStreamId += 2;
        SpdySynStreamFrame syn = new DefaultSpdySynStreamFrame(id, 0, (byte) 0);
        headers.forEach((k, v) -> syn.headers().add(k, v));
        syn.setLast(fin);
        send(syn);
        return id;
    }

    /** Sends data on a stream; {@code fin} half-closes it (an empty frame with FIN only closes). */
    void write(int streamId, Buffer data, boolean fin) {
        SpdyDataFrame frame = new DefaultSpdyDataFrame(streamId, Unpooled.wrappedBuffer(data.getBytes()));
        frame.setLast(fin);
        send(frame);
    }

    /** Resets a stream. */
    void reset(int streamId) {
        send(new DefaultSpdyRstStreamFrame(streamId, SpdyStreamStatus.CANCEL));
    }

    /** Feeds bytes read from the connection. */
    void receive(Buffer bytes) {
        if (ended) {
            return;
        }
        try {
            codec.writeInbound(Unpooled.wrappedBuffer(bytes.getBytes()));
        } catch (RuntimeException e) {
            end("undecodable SPDY frame: " + e.getMessage());
            return;
        }
        Object frame;
        while ((frame = codec.readInbound()) != null) {
            try {
                dispatch(frame);
            } finally {
                ReferenceCountUtil.release(frame);
            }
        }
    }

    private void dispatch(Object frame) {
        if (frame instanceof SpdyDataFrame data) {
            if (data.content().isReadable()) {
                byte[] bytes = new byte[data.content().readableBytes()];
                data.content().readBytes(bytes);
                listener.data(data.streamId(), Buffer.buffer(bytes));
            }
            if (data.isLast()) {
                listener.closed(data.streamId());
            }
        } else if (frame instanceof io.netty.handler.codec.spdy.SpdySynReplyFrame reply) {
            if (reply.isLast()) {
                listener.closed(reply.streamId());
            }
        } else if (frame instanceof io.netty.handler.codec.spdy.SpdyHeadersFrame headers) {
            if (headers.isLast()) {
                listener.closed(headers.streamId());
            }
        } else if (frame instanceof SpdyRstStreamFrame rst) {
            listener.closed(rst.streamId());
        } else if (frame instanceof SpdyPingFrame ping) {
            if (ping.id() % 2 == 0) {
                // a server's ping (even id) is answered with the same frame
                send(new DefaultSpdyPingFrame(ping.id()));
            }
        } else if (frame instanceof SpdySynStreamFrame syn) {
            // these protocols never have the server open streams
            send(new DefaultSpdyRstStreamFrame(syn.streamId(), SpdyStreamStatus.REFUSED_STREAM));
        } else if (frame instanceof SpdyGoAwayFrame) {
            end("server sent GOAWAY");
        } else {
            LOG.tracef("ignored SPDY frame %s", frame);
        }
    }

    /** Says GOAWAY (best effort) and stops decoding. */
    void close() {
        if (!ended) {
            send(new DefaultSpdyGoAwayFrame(0));
            ended = true;
        }
    }

    private void end(String why) {
        if (!ended) {
            ended = true;
            listener.ended(why);
        }
    }

    private void send(Object frame) {
        if (ended) {
            ReferenceCountUtil.release(frame);
            return;
        }
        codec.writeOutbound(frame);
        Object out;
        while ((out = codec.readOutbound()) != null) {
            ByteBuf buf = (ByteBuf) out;
            try {
                byte[] bytes = new byte[buf.readableBytes()];
                buf.readBytes(bytes);
                sink.write(Buffer.buffer(bytes));
            } finally {
                buf.release();
            }
        }
    }
}
