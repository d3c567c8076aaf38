package io.kybernetes.apiserver.streaming;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.vertx.core.buffer.Buffer;

class ChannelProtocolTest {

    @ParameterizedTest(name = "channel {0}")
    @CsvSource({"0,abc", "1,hello", "2,''", "3,{}", "4,{\"Width\":1}"})
    void framesRoundTrip(int channel, String data) {
        Buffer framed = ChannelProtocol.frame(channel, Buffer.buffer(data));
        assertEquals(channel, framed.getUnsignedByte(0));
        ChannelProtocol.Message m = ChannelProtocol.parse(framed);
        assertEquals(channel, m.channel());
        assertEquals(data, m.data().toString());
        assertEquals(-1, m.closedChannel());
    }

    @Test
    void closeSignalNamesTheClosedChannel() {
        assertEquals(0, ChannelProtocol.parse(Buffer.buffer(new byte[] {(byte) 255, 0})).closedChannel());
        assertEquals(-1, ChannelProtocol.parse(Buffer.buffer(new byte[] {(byte) 255})).closedChannel());
        assertNull(ChannelProtocol.parse(Buffer.buffer()));
    }
}
