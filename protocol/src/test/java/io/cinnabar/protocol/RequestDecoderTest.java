package io.cinnabar.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RequestDecoderTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Decodes everything in {@code input}, fed in the given chunk boundaries, into lists of string arguments. */
    private static List<List<String>> decodeAll(byte[] input, int[] cuts) throws ProtocolException {
        RequestDecoder d = new RequestDecoder();
        ByteBuf buf = Unpooled.buffer();
        List<List<String>> out = new ArrayList<>();
        int pos = 0;
        for (int i = 0; i <= cuts.length; i++) {
            int end = i < cuts.length ? cuts[i] : input.length;
            buf.writeBytes(input, pos, end - pos);
            pos = end;
            while (d.decode(buf)) {
                List<String> args = new ArrayList<>();
                for (int a = 0; a < d.argc(); a++) {
                    args.add(new String(d.argv()[a], StandardCharsets.ISO_8859_1));
                }
                out.add(args);
            }
            buf.discardReadBytes();
        }
        buf.release();
        return out;
    }

    private static List<List<String>> decodeAll(String input) throws ProtocolException {
        return decodeAll(b(input), new int[0]);
    }

    private static String errorOf(String input) {
        return assertThrows(ProtocolException.class, () -> decodeAll(input)).getMessage();
    }

    @Test
    void decodesMultibulkRequests() throws Exception {
        assertEquals(List.of(List.of("SET", "key", "va\r\nl")), decodeAll("*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nva\r\nl\r\n"));
    }

    @Test
    void decodesInlineRequestsWithQuotesAndEscapes() throws Exception {
        assertEquals(List.of(List.of("SET", "a b", "x\ny\u0001", "it's")),
                decodeAll("SET \"a b\" \"x\\ny\\x01\" 'it\\'s'\r\n"));
        assertEquals(List.of(List.of("PING")), decodeAll("PING\n"));
        assertEquals(List.of(), decodeAll("ECHO a\u0000 b\r\n")); // Redis's strchr never sees past the NUL
    }

    @Test
    void skipsEmptyRequests() throws Exception {
        assertEquals(List.of(List.of("PING")), decodeAll("*0\r\n*-1\r\n\r\n   \r\nPING\r\n"));
    }

    @Test
    void everySplitOfAPipelineDecodesTheSame() throws Exception {
        byte[] pipeline = b("*2\r\n$3\r\nGET\r\n$1\r\nk\r\nPING\r\n*3\r\n$3\r\nSET\r\n$0\r\n\r\n$4\r\n\u0000\u00ff\r\n\r\n"
                + "ECHO \"q u\"\r\n");
        List<List<String>> expected = decodeAll(pipeline, new int[0]);
        assertEquals(4, expected.size());
        for (int cut = 1; cut < pipeline.length; cut++) {
            assertEquals(expected, decodeAll(pipeline, new int[] {cut}), "split at " + cut);
        }
        int[] everyByte = new int[pipeline.length - 1];
        for (int i = 0; i < everyByte.length; i++) {
            everyByte[i] = i + 1;
        }
        assertEquals(expected, decodeAll(pipeline, everyByte));
    }

    @Test
    void randomPipelinesDecodeToTheirArgumentsAtAnySplit() throws Exception {
        // requests of every size around the one-pass windows (256 and 4096 bytes, 64 arguments), with CR and LF
        // inside payloads, arriving in random chunks: every path of the decoder must give the same arguments
        Random random = new Random(7);
        for (int round = 0; round < 300; round++) {
            java.io.ByteArrayOutputStream pipeline = new java.io.ByteArrayOutputStream();
            List<List<String>> expected = new ArrayList<>();
            int requests = 1 + random.nextInt(8);
            for (int r = 0; r < requests; r++) {
                int argc = 1 + random.nextInt(random.nextBoolean() ? 4 : 80);
                List<String> args = new ArrayList<>();
                pipeline.writeBytes(b("*" + argc + "\r\n"));
                for (int a = 0; a < argc; a++) {
                    int len = random.nextInt(random.nextInt(4) == 0 ? 700 : 40);
                    byte[] arg = new byte[len];
                    for (int i = 0; i < len; i++) {
                        arg[i] = (byte) "ab\r\n$*0".charAt(random.nextInt(7));
                    }
                    args.add(new String(arg, StandardCharsets.ISO_8859_1));
                    pipeline.writeBytes(b("$" + len + "\r\n"));
                    pipeline.writeBytes(arg);
                    pipeline.writeBytes(b("\r\n"));
                }
                expected.add(args);
            }
            byte[] bytes = pipeline.toByteArray();
            int[] cuts = random.ints(random.nextInt(6), 1, bytes.length).sorted().distinct().toArray();
            assertEquals(expected, decodeAll(bytes, cuts), "round " + round);
        }
    }

    @Test
    void reportsRedisProtocolErrors() {
        assertEquals("Protocol error: invalid multibulk length", errorOf("*abc\r\n"));
        assertEquals("Protocol error: invalid multibulk length", errorOf("*3000000000\r\n"));
        assertEquals("Protocol error: expected '$', got 'x'", errorOf("*1\r\nxyz\r\n"));
        assertEquals("Protocol error: invalid bulk length", errorOf("*1\r\n$-5\r\n"));
        assertEquals("Protocol error: invalid bulk length", errorOf("*1\r\n$536870913\r\n"));
        assertEquals("Protocol error: unbalanced quotes in request", errorOf("SET \"a\r\n"));
        assertEquals("Protocol error: unbalanced quotes in request", errorOf("SET \"a\"b\r\n"));
        assertEquals("Protocol error: too big inline request", errorOf("x".repeat(65 * 1024)));
        assertEquals("Protocol error: too big mbulk count string", errorOf("*" + "1".repeat(65 * 1024)));
        assertEquals("Protocol error: too big bulk count string", errorOf("*1\r\n$" + "1".repeat(65 * 1024)));
    }

    @Test
    void refusesLargeCountsBeforeAuthentication() {
        RequestDecoder d = new RequestDecoder();
        d.authRequired(true);
        ByteBuf buf = Unpooled.copiedBuffer(b("*11\r\n"));
        assertEquals("Protocol error: unauthenticated multibulk length",
                assertThrows(ProtocolException.class, () -> d.decode(buf)).getMessage());
        buf.release();
        RequestDecoder d2 = new RequestDecoder();
        d2.authRequired(true);
        ByteBuf buf2 = Unpooled.copiedBuffer(b("*1\r\n$16385\r\n"));
        assertEquals("Protocol error: unauthenticated bulk length",
                assertThrows(ProtocolException.class, () -> d2.decode(buf2)).getMessage());
        buf2.release();
    }

    @Test
    void fillsBigArgumentsAsTheyArrive() throws Exception {
        byte[] value = new byte[300_000];
        new Random(1).nextBytes(value);
        ByteBuf buf = Unpooled.buffer();
        buf.writeBytes(b("*2\r\n$4\r\nECHO\r\n$300000\r\n"));
        RequestDecoder d = new RequestDecoder();
        assertFalse(d.decode(buf));
        for (int off = 0; off < value.length; off += 7000) {
            buf.writeBytes(value, off, Math.min(7000, value.length - off));
            assertFalse(d.decode(buf));
            assertTrue(d.midRequest());
            buf.discardReadBytes();
        }
        buf.writeBytes(b("\r\n"));
        assertTrue(d.decode(buf));
        assertArrayEquals(value, d.argv()[1]);
        buf.release();
    }

    @Test
    void garbageOnlyEverRaisesProtocolErrors() {
        Random random = new Random(42);
        for (int round = 0; round < 2000; round++) {
            byte[] junk = new byte[random.nextInt(64)];
            random.nextBytes(junk);
            if (random.nextBoolean() && junk.length > 0) {
                junk[0] = (byte) "*$\"'".charAt(random.nextInt(4));
            }
            RequestDecoder d = new RequestDecoder();
            ByteBuf buf = Unpooled.copiedBuffer(junk);
            try {
                while (d.decode(buf)) {
                    assertTrue(d.argc() > 0);
                }
            } catch (ProtocolException expected) {
                assertTrue(expected.getMessage().startsWith("Protocol error: "));
            } finally {
                buf.release();
            }
        }
    }

    @Test
    void requestsWithMoreThanAMillionArgumentsDecode() throws ProtocolException {
        int count = 1024 * 1024 + 5;
        ByteBuf buf = Unpooled.buffer(count * 7 + 32);
        try {
            buf.writeBytes(b("*" + count + "\r\n$3\r\nDEL\r\n"));
            for (int i = 1; i < count; i++) {
                buf.writeBytes(b("$1\r\n" + (char) ('a' + i % 26) + "\r\n"));
            }
            RequestDecoder d = new RequestDecoder();
            assertTrue(d.decode(buf));
            assertEquals(count, d.argc());
            assertEquals("DEL", new String(d.argv()[0], StandardCharsets.US_ASCII));
            String last = String.valueOf((char) ('a' + (count - 1) % 26));
            assertEquals(last, new String(d.argv()[count - 1], StandardCharsets.US_ASCII));
        } finally {
            buf.release();
        }
    }
}
