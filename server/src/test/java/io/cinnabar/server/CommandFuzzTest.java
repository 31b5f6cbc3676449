package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.server.testing.RespClient;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Every command, with random argument counts and awkward values, gets exactly one reply: no handler may throw,
 * hang or drop the connection, whatever the input.
 */
class CommandFuzzTest {
    private static final String[] VALUES = {"0", "1", "-1", "10", "2147483648", "-9223372036854775808",
        "9223372036854775807", "99999999999999999999", "1.5", "-0.5", "inf", "nan", "1e400", "", " ", "abc", "k",
        "key", "NX", "XX", "GT", "LT", "EX", "PX", "EXAT", "PXAT", "KEEPTTL", "GET", "PERSIST", "COUNT", "MATCH",
        "TYPE", "string", "*", "[", "\\", "IDX", "LEN", "MINMATCHLEN", "WITHMATCHLEN", "DB", "REPLACE", "ID",
        "ADDR", "LADDR", "SKIPME", "USER", "ON", "OFF", "SKIP", "WRITE", "ALL", "ASYNC", "SYNC", "SAMPLES",
        "FILTERBY", "PATTERN", "ACLCAT", "MODULE", "LIB-NAME", "LIB-VER", "AUTH", "SETNAME", "default",
        "\u0000\u00ff", "x".repeat(300)};
    /** Commands that would end the connection or the server, or block the executor on purpose. */
    private static final Set<String> SKIPPED = Set.of("shutdown", "quit", "monitor", "debug", "client|kill",
        "client|pause", "client|reply", "reset", "eval", "evalsha", "eval_ro", "evalsha_ro", "hello", "auth",
        "select", "swapdb", "flushall", "flushdb");

    @Test
    void everyCommandRepliesToRandomArgumentsInResp2() {
        fuzz(2);
    }

    @Test
    void everyCommandRepliesToRandomArgumentsInResp3() {
        fuzz(3);
    }

    private static void fuzz(int protocol) {
        Random random = new Random(7 + protocol);
        try (CinnabarServer server = CinnabarServer.builder().build().start();
             RespClient c = new RespClient(server.port())) {
            c.call("HELLO", Integer.toString(protocol));
            List<String[]> commands = new ArrayList<>();
            for (String name : new String[] {"get", "set", "setnx", "setex", "psetex", "getset", "getdel", "getex",
                "mget", "mset", "msetnx", "append", "strlen", "incr", "decr", "incrby", "decrby", "incrbyfloat",
                "getrange", "substr", "setrange", "lcs", "del", "unlink", "exists", "type", "touch", "rename",
                "renamenx", "copy", "move", "keys", "scan", "randomkey", "expire", "pexpire", "expireat",
                "pexpireat", "ttl", "pttl", "expiretime", "pexpiretime", "persist", "object", "ping", "echo",
                "client", "info", "config", "dbsize", "time", "lastsave", "slowlog", "memory", "latency",
                "command", "script"}) {
                commands.add(new String[] {name});
            }
            for (int round = 0; round < 4000; round++) {
                String name = commands.get(random.nextInt(commands.size()))[0];
                List<byte[]> argv = new ArrayList<>();
                argv.add(name.getBytes(StandardCharsets.UTF_8));
                if (Set.of("client", "object", "config", "slowlog", "memory", "latency", "command", "script")
                        .contains(name)) {
                    String[] subs = {"id", "getname", "setname", "setinfo", "list", "info", "no-evict", "help",
                        "encoding", "refcount", "idletime", "freq", "get", "set", "resetstat", "len", "usage",
                        "latest", "history", "count", "docs", "getkeys", "load", "exists", "flush", "nope"};
                    String sub = subs[random.nextInt(subs.length)];
                    if (SKIPPED.contains(name + "|" + sub) || (name.equals("config") && sub.equals("set"))) {
                        continue;
                    }
                    argv.add(sub.getBytes(StandardCharsets.UTF_8));
                }
                int extra = random.nextInt(7);
                for (int i = 0; i < extra; i++) {
                    argv.add(VALUES[random.nextInt(VALUES.length)].getBytes(StandardCharsets.UTF_8));
                }
                byte[] reply = c.callBytes(argv.toArray(new byte[0][]));
                assertTrue(reply.length > 0, "a reply for " + name);
            }
            assertEquals("+PONG\r\n", c.call("PING"));
        }
    }

    @Test
    void randomBytesNeverHurtTheServer() {
        Random random = new Random(11);
        try (CinnabarServer server = CinnabarServer.builder().build().start()) {
            for (int round = 0; round < 200; round++) {
                try (RespClient c = new RespClient(server.port())) {
                    byte[] junk = new byte[1 + random.nextInt(200)];
                    random.nextBytes(junk);
                    c.send(junk);
                }
            }
            try (RespClient c = new RespClient(server.port())) {
                assertEquals("+PONG\r\n", c.call("PING"));
                assertEquals(":0\r\n", c.call("DBSIZE"));
            }
        }
    }
}
