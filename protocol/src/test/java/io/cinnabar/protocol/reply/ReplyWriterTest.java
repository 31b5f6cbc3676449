package io.cinnabar.protocol.reply;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class ReplyWriterTest {
    private static String write(int protocol, Consumer<ReplyWriter> body) {
        ByteBuf buf = Unpooled.buffer();
        ReplyWriter w = new ReplyWriter(buf);
        w.protocol(protocol);
        body.accept(w);
        String s = buf.toString(StandardCharsets.UTF_8);
        buf.release();
        return s;
    }

    @Test
    void resp3TypesDegradeAsRedisDegradesThemForResp2() {
        Consumer<ReplyWriter> mapOfDouble = w -> {
            w.map(1);
            w.bulk("k");
            w.doubleValue(1.5);
        };
        assertEquals("*2\r\n$1\r\nk\r\n$3\r\n1.5\r\n", write(2, mapOfDouble));
        assertEquals("%1\r\n$1\r\nk\r\n,1.5\r\n", write(3, mapOfDouble));
        assertEquals("$-1\r\n", write(2, ReplyWriter::nullBulk));
        assertEquals("*-1\r\n", write(2, ReplyWriter::nullArray));
        assertEquals("_\r\n", write(3, ReplyWriter::nullArray));
        assertEquals(":1\r\n", write(2, w -> w.bool(true)));
        assertEquals("#f\r\n", write(3, w -> w.bool(false)));
        assertEquals("~1\r\n:7\r\n", write(3, w -> {
            w.set(1);
            w.integer(7);
        }));
        assertEquals("$2\r\nhi\r\n", write(2, w -> w.verbatim("txt", "hi".getBytes(StandardCharsets.US_ASCII))));
        assertEquals("=6\r\ntxt:hi\r\n", write(3, w -> w.verbatim("txt", "hi".getBytes(StandardCharsets.US_ASCII))));
        assertEquals("(123\r\n", write(3, w -> w.bigNumber("123".getBytes(StandardCharsets.US_ASCII))));
        assertEquals(">2\r\n", write(3, w -> w.push(2)));
    }

    @Test
    void writesScalarsExactly() {
        assertEquals(":-42\r\n", write(2, w -> w.integer(-42)));
        assertEquals("$5\r\n12345\r\n", write(2, w -> w.bulkLong(12345)));
        assertEquals("-ERR a b\r\n", write(2, w -> w.error("ERR a\r\nb".replace("\r\n", "\n"))));
        assertEquals("+OK\r\n", write(2, ReplyWriter::ok));
        assertEquals("$1024\r\n" + "x".repeat(1024) + "\r\n", write(2, w -> w.bulk("x".repeat(1024))));
    }
}
