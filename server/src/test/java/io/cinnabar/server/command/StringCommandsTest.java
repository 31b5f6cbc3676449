package io.cinnabar.server.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.server.testing.ServerTest;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class StringCommandsTest extends ServerTest {
    @Test
    void setAndGetRoundTripBinarySafeValues() {
        byte[] value = {0, (byte) 0xff, '\r', '\n', 'x'};
        assertEquals("+OK\r\n", new String(client.callBytes("SET".getBytes(), "k".getBytes(), value)));
        byte[] reply = client.callBytes("GET".getBytes(), "k".getBytes());
        assertEquals(5 + 4 + 2, reply.length);
        assertEquals(0, reply[4]);
        assertEquals((byte) 0xff, reply[5]);
        assertEquals("$-1\r\n", call("GET", "missing"));
    }

    @Test
    void setOptionsFollowRedisRules() {
        assertEquals("$-1\r\n", call("SET", "k", "v", "XX"));
        assertEquals("+OK\r\n", call("SET", "k", "v", "NX"));
        assertEquals("$-1\r\n", call("SET", "k", "w", "NX"));
        assertEquals(bulk("v"), call("SET", "k", "w", "GET"));
        assertEquals(bulk("w"), call("SET", "k", "x", "NX", "GET"));
        assertEquals("-ERR syntax error\r\n", call("SET", "k", "v", "NX", "XX"));
        assertEquals("-ERR syntax error\r\n", call("SET", "k", "v", "EX", "10", "PX", "100"));
        assertEquals("-ERR syntax error\r\n", call("SET", "k", "v", "KEEPTTL", "EX", "10"));
        assertEquals("-ERR syntax error\r\n", call("SET", "k", "v", "EX"));
        assertEquals("-ERR value is not an integer or out of range\r\n", call("SET", "k", "v", "EX", "ten"));
        assertEquals("-ERR invalid expire time in 'set' command\r\n", call("SET", "k", "v", "EX", "0"));
        assertEquals("-ERR invalid expire time in 'set' command\r\n", call("SET", "k", "v", "PX", "-5"));
        assertEquals("-ERR invalid expire time in 'setex' command\r\n", call("SETEX", "k", "-1", "v"));
        assertEquals("+OK\r\n", call("SET", "k", "v", "EX", "100"));
        assertEquals(":100\r\n", call("TTL", "k"));
        assertEquals("+OK\r\n", call("SET", "k", "v2", "KEEPTTL"));
        assertEquals(":100\r\n", call("TTL", "k"));
        assertEquals("+OK\r\n", call("SET", "k", "v3"));
        assertEquals(":-1\r\n", call("TTL", "k"));
    }

    @Test
    void setOnAnotherTypeWithGetIsWrongType() {
        // only strings exist so far; GET on a string returns it
        call("SET", "k", "v");
        assertEquals(bulk("v"), call("GETSET", "k", "w"));
        assertEquals(bulk("w"), call("GETDEL", "k"));
        assertEquals(":0\r\n", call("EXISTS", "k"));
    }

    @Test
    void countersFollowIntegerRules() {
        assertEquals(":1\r\n", call("INCR", "n"));
        assertEquals(":11\r\n", call("INCRBY", "n", "10"));
        assertEquals(":6\r\n", call("DECRBY", "n", "5"));
        assertEquals(":5\r\n", call("DECR", "n"));
        call("SET", "s", "abc");
        assertEquals("-ERR value is not an integer or out of range\r\n", call("INCR", "s"));
        call("SET", "big", "9223372036854775807");
        assertEquals("-ERR increment or decrement would overflow\r\n", call("INCR", "big"));
        assertEquals("-ERR decrement would overflow\r\n", call("DECRBY", "n", "-9223372036854775808"));
        call("SET", "lead", "01");
        assertEquals("-ERR value is not an integer or out of range\r\n", call("INCR", "lead"));
    }

    @Test
    void incrbyfloatUsesLongDoublePrecisionAndFormatting() {
        assertEquals(bulk("0.1"), call("INCRBYFLOAT", "f", "0.1"));
        assertEquals(bulk("0.3"), call("INCRBYFLOAT", "f", "0.2"));
        assertEquals(bulk("5000"), call("INCRBYFLOAT", "g", "5.0e3"));
        assertEquals(bulk("5200"), call("INCRBYFLOAT", "g", "2.0e2"));
        assertEquals("-ERR value is not a valid float\r\n", call("INCRBYFLOAT", "f", "abc"));
        assertEquals("-ERR increment would produce NaN or Infinity\r\n", call("INCRBYFLOAT", "f", "inf"));
    }

    @Test
    void encodingsAreNamedAsRedisNamesThem() {
        call("SET", "i", "12345");
        call("SET", "e", "hello");
        call("SET", "r", "x".repeat(45));
        call("SET", "a", "hi");
        call("APPEND", "a", "!");
        assertEquals(bulk("int"), call("OBJECT", "ENCODING", "i"));
        assertEquals(bulk("embstr"), call("OBJECT", "ENCODING", "e"));
        assertEquals(bulk("raw"), call("OBJECT", "ENCODING", "r"));
        assertEquals(bulk("raw"), call("OBJECT", "ENCODING", "a"));
        call("SET", "shared", "7");
        assertEquals(":2147483647\r\n", call("OBJECT", "REFCOUNT", "shared"));
        assertEquals(":1\r\n", call("OBJECT", "REFCOUNT", "e"));
    }

    @Test
    void rangesAppendAndLengths() {
        assertEquals(":5\r\n", call("APPEND", "s", "Hello"));
        assertEquals(":11\r\n", call("APPEND", "s", " World"));
        assertEquals(bulk("World"), call("GETRANGE", "s", "-5", "-1"));
        assertEquals(bulk(""), call("GETRANGE", "s", "5", "3"));
        assertEquals(bulk("Hello World"), call("GETRANGE", "s", "0", "100"));
        assertEquals(":11\r\n", call("SETRANGE", "s", "6", "Redis"));
        assertEquals(bulk("Hello Redis"), call("GET", "s"));
        assertEquals(":8\r\n", call("SETRANGE", "z", "5", "abc"));
        assertEquals("$8\r\n\0\0\0\0\0abc\r\n", call("GET", "z"));
        assertEquals("-ERR offset is out of range\r\n", call("SETRANGE", "z", "-1", "a"));
        assertEquals(":8\r\n", call("STRLEN", "z"));
        assertEquals(":0\r\n", call("STRLEN", "nope"));
        assertEquals(":0\r\n", call("SETRANGE", "empty", "3", ""));
    }

    @Test
    void multiKeyCommands() {
        assertEquals("+OK\r\n", call("MSET", "a", "1", "b", "2"));
        assertEquals("*3\r\n$1\r\n1\r\n$1\r\n2\r\n$-1\r\n", call("MGET", "a", "b", "c"));
        assertEquals(":0\r\n", call("MSETNX", "c", "3", "a", "9"));
        assertEquals(":1\r\n", call("MSETNX", "c", "3", "d", "4"));
        assertEquals("-ERR wrong number of arguments for 'mset' command\r\n", call("MSET", "a", "1", "b"));
    }

    @Test
    void getexChangesOrRemovesTheTtl() {
        call("SET", "k", "v");
        assertEquals(bulk("v"), call("GETEX", "k", "EX", "50"));
        assertEquals(":50\r\n", call("TTL", "k"));
        assertEquals(bulk("v"), call("GETEX", "k", "PERSIST"));
        assertEquals(":-1\r\n", call("TTL", "k"));
        assertEquals("-ERR syntax error\r\n", call("GETEX", "k", "EX", "1", "PERSIST"));
        assertEquals(bulk("v"), call("GETEX", "k", "PXAT", "1"));
        assertEquals(":0\r\n", call("EXISTS", "k"));
    }

    @Test
    void lcsFindsTheLongestCommonSubsequence() {
        call("MSET", "key1", "ohmytext", "key2", "mynewtext");
        assertEquals(bulk("mytext"), call("LCS", "key1", "key2"));
        assertEquals(":6\r\n", call("LCS", "key1", "key2", "LEN"));
        assertEquals("*4\r\n$7\r\nmatches\r\n*2\r\n*2\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n*2\r\n*2\r\n:2\r\n:3\r\n"
                + "*2\r\n:0\r\n:1\r\n$3\r\nlen\r\n:6\r\n", call("LCS", "key1", "key2", "IDX"));
        assertEquals("-ERR If you want both the length and indexes, please just use IDX.\r\n",
                call("LCS", "key1", "key2", "IDX", "LEN"));
    }

    @Test
    void expiryFollowsTheVirtualClock() {
        call("SET", "k", "v", "PX", "10000");
        server.clock().advance(Duration.ofMillis(9000));
        assertEquals(bulk("v"), call("GET", "k"));
        server.clock().advance(Duration.ofMillis(1001));
        assertEquals("$-1\r\n", call("GET", "k"));
        call("SET", "j", "v", "EX", "60");
        server.clock().advance(Duration.ofSeconds(61));
        assertEquals(":0\r\n", call("DBSIZE"));
        assertTrue(call("INFO", "stats").contains("expired_keys:2"));
    }

    @Test
    void lcsRefusesATableBiggerThanProtoMaxBulkLen() {
        assertEquals("+OK\r\n", call("CONFIG", "SET", "proto-max-bulk-len", "1048576"));
        try {
            call("SET", "la", "a".repeat(600));
            call("SET", "lb", "b".repeat(600));
            assertEquals("-ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len\r\n",
                    call("LCS", "la", "lb"));
            call("SET", "lb", "b".repeat(400));
            assertEquals(":0\r\n", call("LCS", "la", "lb", "LEN"));
        } finally {
            call("CONFIG", "SET", "proto-max-bulk-len", "536870912");
        }
    }
}
