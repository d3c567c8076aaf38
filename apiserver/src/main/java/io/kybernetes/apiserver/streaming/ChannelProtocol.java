package io.kybernetes.apiserver.streaming;

import io.vertx.core.buffer.Buffer;

/**
 * The WebSocket framing of the remote command protocols {@code v4.channel.k8s.io} and {@code v5.channel.k8s.io}:
 * every binary message starts with one byte naming the channel (0 stdin, 1 stdout, 2 stderr, 3 error, 4 resize).
 * v5 adds channel 255, a close signal whose one data byte names the channel the sender will not write to again
 * (kubectl sends it when its stdin ends, so {@code exec -i} and {@code cp} can end a remote process's input).
 */
final class ChannelProtocol {

    static final String V5 = "v5.channel.k8s.io";
    static final String V4 = "v4.channel.k8s.io";

    static final int STDIN = 0;
    static final int STDOUT = 1;
    static final int STDERR = 2;
    static final int ERROR = 3;
    static final int RESIZE = 4;
    static final int CLOSE = 255;

    private ChannelProtocol() {
    }

    /** One received message: its channel and data (for {@link #CLOSE}, the data is the closed channel's byte). */
    record Message(int channel, Buffer data) {
        /** The channel a close signal closes, or -1 when this is not a well-formed close signal. */
        int closedChannel() {
            return channel == CLOSE && data.length() == 1 ? data.getUnsignedByte(0) : -1;
        }
    }

    /** Parses a received binary message; null for an empty one (which carries nothing). */
    static Message parse(Buffer message) {
        if (message.length() == 0) {
            return null;
        }
        return new Message(message.getUnsignedByte(0), message.getBuffer(1, message.length()));
    }

    /** The message carrying {@code data} on {@code channel}. */
    static Buffer frame(int channel, Buffer data) {
        return Buffer.buffer(data.length() + 1).appendByte((byte) channel).appendBuffer(data);
    }

    /** The SPDY stream types of upstream's remote command protocol, by channel. */
    static String streamType(int channel) {
        return switch (channel) {
            case STDIN -> "stdin";
            case STDOUT -> "stdout";
            case STDERR -> "stderr";
            case ERROR -> "error";
            case RESIZE -> "resize";
            default -> throw new IllegalArgumentException("no stream type for channel " + channel);
        };
    }
}
