package io.cinnabar.server.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.protocol.RespValue;
import io.cinnabar.server.testing.ServerTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class KeyCommandsTest extends ServerTest {
    @Test
    void deleteExistsTypeTouch() {
        call("MSET", "a", "1", "b", "2");
        assertEquals(":3\r\n", call("EXISTS", "a", "a", "b"));
        assertEquals("+string\r\n", call("TYPE", "a"));
        assertEquals("+none\r\n", call("TYPE", "zz"));
        assertEquals(":2\r\n", call("TOUCH", "a", "b", "c"));
        assertEquals(":2\r\n", call("DEL", "a", "b", "c"));
        assertEquals(":0\r\n", call("UNLINK", "a"));
    }

    @Test
    void renameKeepsTheTtlAndRefusesMissingKeys() {
        assertEquals("-ERR no such key\r\n", call("RENAME", "x", "y"));
        call("SET", "x", "1", "EX", "100");
        call("SET", "y", "2");
        assertEquals(":0\r\n", call("RENAMENX", "x", "y"));
        assertEquals("+OK\r\n", call("RENAME", "x", "y"));
        assertEquals(":100\r\n", call("TTL", "y"));
        assertEquals(bulk("1"), call("GET", "y"));
        assertEquals("+OK\r\n", call("RENAME", "y", "y"));
        assertEquals(":1\r\n", call("RENAMENX", "y", "z"));
    }

    @Test
    void copyAndMoveAcrossDatabases() {
        call("SET", "k", "v", "EX", "100");
        assertEquals(":1\r\n", call("COPY", "k", "k2"));
        assertEquals(":0\r\n", call("COPY", "k", "k2"));
        assertEquals(":1\r\n", call("COPY", "k", "k2", "REPLACE"));
        assertEquals("-ERR source and destination objects are the same\r\n", call("COPY", "k", "k"));
        assertEquals(":1\r\n", call("COPY", "k", "k", "DB", "1"));
        assertEquals("-ERR DB index is out of range\r\n", call("COPY", "k", "k", "DB", "16"));
        assertEquals(":0\r\n", call("MOVE", "k", "1"));
        assertEquals(":1\r\n", call("MOVE", "k2", "1"));
        assertEquals("-ERR source and destination objects are the same\r\n", call("MOVE", "k", "0"));
        assertEquals("+OK\r\n", call("SELECT", "1"));
        assertEquals(":2\r\n", call("DBSIZE"));
        assertEquals(":100\r\n", call("TTL", "k2"));
    }

    @Test
    void expireOptionsAndTtlReplies() {
        call("SET", "k", "v");
        assertEquals(":-1\r\n", call("TTL", "k"));
        assertEquals(":-2\r\n", call("TTL", "nope"));
        assertEquals(":0\r\n", call("EXPIRE", "k", "100", "XX"));
        assertEquals(":1\r\n", call("EXPIRE", "k", "100", "NX"));
        assertEquals(":0\r\n", call("EXPIRE", "k", "50", "GT"));
        assertEquals(":1\r\n", call("EXPIRE", "k", "50", "LT"));
        long pttl = Long.parseLong(call("PTTL", "k").trim().substring(1));
        assertTrue(pttl > 49_000 && pttl <= 50_000, "pttl " + pttl);
        assertEquals("-ERR NX and XX, GT or LT options at the same time are not compatible\r\n",
                call("EXPIRE", "k", "1", "NX", "XX"));
        assertEquals("-ERR GT and LT options at the same time are not compatible\r\n", call("EXPIRE", "k", "1", "GT", "LT"));
        assertEquals("-ERR Unsupported option foo\r\n", call("EXPIRE", "k", "1", "foo"));
        assertEquals("-ERR invalid expire time in 'expire' command\r\n", call("EXPIRE", "k", "9223372036854775807"));
        assertEquals(":1\r\n", call("PERSIST", "k"));
        assertEquals(":0\r\n", call("PERSIST", "k"));
        assertEquals(":1\r\n", call("PEXPIREAT", "k", "4102444800000"));
        assertEquals(":4102444800\r\n", call("EXPIRETIME", "k"));
        assertEquals(":4102444800000\r\n", call("PEXPIRETIME", "k"));
        assertEquals(":1\r\n", call("EXPIRE", "k", "-1"));
        assertEquals(":0\r\n", call("EXISTS", "k"));
    }

    @Test
    void keysMatchesGlobPatterns() {
        call("MSET", "user:1", "a", "user:2", "b", "order:1", "c");
        RespValue reply = RespValue.parse(call("KEYS", "user:*").getBytes(StandardCharsets.UTF_8));
        Set<String> keys = new HashSet<>();
        for (RespValue v : reply.elements) {
            keys.add(v.text());
        }
        assertEquals(Set.of("user:1", "user:2"), keys);
    }

    @Test
    void scanReturnsEveryKeyPresentForTheWholeScanDespiteGrowth() {
        for (int i = 0; i < 500; i++) {
            call("SET", "key:" + i, "v");
        }
        Set<String> seen = new HashSet<>();
        String cursor = "0";
        int added = 0;
        do {
            RespValue reply = RespValue.parse(call("SCAN", cursor, "COUNT", "20").getBytes(StandardCharsets.UTF_8));
            cursor = reply.elements.get(0).text();
            for (RespValue k : reply.elements.get(1).elements) {
                seen.add(k.text());
            }
            for (int j = 0; j < 40; j++) {
                call("SET", "extra:" + added++, "v"); // forces the table to grow during the scan
            }
        } while (!cursor.equals("0"));
        for (int i = 0; i < 500; i++) {
            assertTrue(seen.contains("key:" + i), "key:" + i);
        }
    }

    @Test
    void scanFiltersByMatchAndTypeAndValidatesArguments() {
        call("MSET", "a1", "x", "a2", "y", "b1", "z");
        RespValue reply = RespValue.parse(call("SCAN", "0", "MATCH", "a*", "COUNT", "1000", "TYPE", "string")
                .getBytes(StandardCharsets.UTF_8));
        assertEquals("0", reply.elements.get(0).text());
        assertEquals(2, reply.elements.get(1).elements.size());
        assertEquals("*2\r\n$1\r\n0\r\n*0\r\n", call("SCAN", "0", "TYPE", "list"));
        assertEquals("-ERR invalid cursor\r\n", call("SCAN", "abc"));
        assertEquals("-ERR syntax error\r\n", call("SCAN", "0", "COUNT", "0"));
        assertEquals("-ERR syntax error\r\n", call("SCAN", "0", "FOO"));
    }

    @Test
    void randomkeySkipsExpiredKeys() {
        assertEquals("$-1\r\n", call("RANDOMKEY"));
        call("SET", "gone", "v", "PX", "10");
        call("SET", "stays", "v");
        server.clock().advance(Duration.ofMillis(5));
        call("DEBUG", "SET-ACTIVE-EXPIRE", "0");
        try {
            server.clock().advance(Duration.ofMillis(20));
            for (int i = 0; i < 20; i++) {
                assertEquals(bulk("stays"), call("RANDOMKEY"));
            }
        } finally {
            call("DEBUG", "SET-ACTIVE-EXPIRE", "1");
        }
    }

    @Test
    void objectSubcommands() {
        call("SET", "k", "v");
        assertEquals(":0\r\n", call("OBJECT", "IDLETIME", "k"));
        assertEquals("$-1\r\n", call("OBJECT", "ENCODING", "nope"));
        assertTrue(call("OBJECT", "FREQ", "k").startsWith("-ERR An LFU maxmemory policy is not selected"));
        assertEquals("-ERR unknown subcommand 'foo'. Try OBJECT HELP.\r\n", call("OBJECT", "foo"));
        assertTrue(call("OBJECT", "HELP").startsWith("*15\r\n+OBJECT <subcommand>"));
    }

    @Test
    void expiretimeAtTheTopOfTheRangeRoundsAsRedisDoes() {
        assertEquals("+OK\r\n", call("SET", "k", "v", "PXAT", "9223372036854775807"));
        assertEquals(":9223372036854776\r\n", call("EXPIRETIME", "k"));
        assertEquals(":9223372036854775807\r\n", call("PEXPIRETIME", "k"));
        call("SET", "k2", "v");
        assertEquals(":1\r\n", call("PEXPIREAT", "k2", "9223372036854775807"));
        assertEquals(":9223372036854776\r\n", call("EXPIRETIME", "k2"));
        assertEquals(":1\r\n", call("PEXPIREAT", "k2", "9223372036854775000"));
        assertEquals(":9223372036854775\r\n", call("EXPIRETIME", "k2"));
        assertEquals(":1\r\n", call("PEXPIREAT", "k2", "9223372036854775499"));
        assertEquals(":9223372036854775\r\n", call("EXPIRETIME", "k2"));
        assertEquals(":1\r\n", call("PEXPIREAT", "k2", "9223372036854775500"));
        assertEquals(":9223372036854776\r\n", call("EXPIRETIME", "k2"));
    }

    @Test
    void databaseIndexesBeyondAnIntAreOutOfRangeAsInRedis() {
        String range = "-ERR value is out of range, value must between -2147483648 and 2147483647\r\n";
        call("SET", "k", "v");
        assertEquals(range, call("SELECT", "99999999999"));
        assertEquals(range, call("SELECT", "-2147483649"));
        assertEquals("-ERR value is not an integer or out of range\r\n", call("SELECT", "x"));
        assertEquals("-ERR DB index is out of range\r\n", call("SELECT", "2147483647"));
        assertEquals(range, call("MOVE", "k", "99999999999"));
        assertEquals(range, call("COPY", "k", "j", "DB", "99999999999"));
        assertEquals("-ERR invalid second DB index\r\n", call("SWAPDB", "0", "99999999999"));
    }
}
