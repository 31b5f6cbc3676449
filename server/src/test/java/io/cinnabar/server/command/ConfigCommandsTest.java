package io.cinnabar.server.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.server.CinnabarServer;
import io.cinnabar.server.testing.RespClient;
import io.cinnabar.server.testing.ServerTest;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigCommandsTest extends ServerTest {
    private static String pair(String name, String value) {
        return "*2\r\n$" + name.length() + "\r\n" + name + "\r\n$" + value.length() + "\r\n" + value + "\r\n";
    }

    private static String failed(String name, String reason) {
        return "-ERR CONFIG SET failed (possibly related to argument '" + name + "') - " + reason + "\r\n";
    }

    @Test
    void refusedValuesNameTheMissingFeatureAndChangeNothing() {
        assertEquals(failed("maxmemory", "maxmemory (eviction) is not supported by Cinnabar yet"),
                call("CONFIG", "SET", "maxmemory", "1gb"));
        assertEquals(failed("min-slaves-to-write", "min-replicas-to-write (replication) is not supported by Cinnabar yet"),
                call("CONFIG", "SET", "min-slaves-to-write", "1"));
        assertEquals(failed("port", "changing port on a running server is not supported by Cinnabar yet"),
                call("CONFIG", "SET", "port", "1"));
        assertEquals(pair("maxmemory", "0"), call("CONFIG", "GET", "maxmemory"));
        assertEquals(pair("port", Integer.toString(server.port())), call("CONFIG", "GET", "port"));
        assertEquals("+OK\r\n", call("CONFIG", "SET", "port", Integer.toString(server.port())));
    }

    @Test
    void tuningValuesRoundTrip() {
        assertEquals("+OK\r\n", call("CONFIG", "SET", "hash-max-ziplist-entries", "1024", "zset-max-listpack-value",
                "1kb", "activedefrag", "yes", "lazyfree-lazy-expire", "yes"));
        assertEquals(pair("hash-max-listpack-entries", "1024"), call("CONFIG", "GET", "hash-max-listpack-entries"));
        assertEquals(pair("zset-max-ziplist-value", "1024"), call("CONFIG", "GET", "zset-max-ziplist-value"));
        assertEquals(pair("activedefrag", "yes"), call("CONFIG", "GET", "activedefrag"));
        call("CONFIG", "SET", "hash-max-ziplist-entries", "512", "zset-max-listpack-value", "64", "activedefrag", "no",
                "lazyfree-lazy-expire", "no");
    }

    @Test
    void aFailingParameterRollsBackTheEarlierOnes() {
        assertEquals(failed("timeout", "argument must be between 0 and 2147483647 inclusive"),
                call("CONFIG", "SET", "hz", "20", "slowlog-max-len", "7", "timeout", "-1"));
        assertEquals(pair("hz", "10"), call("CONFIG", "GET", "hz"));
        assertEquals(pair("slowlog-max-len", "128"), call("CONFIG", "GET", "slowlog-max-len"));
        assertEquals(failed("HZ", "duplicate parameter"), call("CONFIG", "SET", "hz", "5", "HZ", "6"));
        assertEquals(failed("daemonize", "can't set immutable config"),
                call("CONFIG", "SET", "daemonize", "no", "foo", "bar"));
        assertEquals("-ERR Unknown option or number of arguments for CONFIG SET - 'foo'\r\n",
                call("CONFIG", "SET", "foo", "bar", "daemonize", "no"));
        assertEquals(failed("dir", "can't set protected config"), call("CONFIG", "SET", "dir", "/tmp"));
        assertEquals("-ERR syntax error\r\n", call("CONFIG", "SET", "hz", "5", "timeout"));
    }

    @Test
    void getTakesSeveralPatternsAndExactHiddenNames() {
        assertEquals("*4\r\n$2\r\nhz\r\n$2\r\n10\r\n$7\r\ntimeout\r\n$1\r\n0\r\n", call("CONFIG", "GET", "hz", "timeout"));
        assertEquals("*2\r\n$2\r\nHZ\r\n$2\r\n10\r\n", call("CONFIG", "GET", "HZ", "hz"));
        assertEquals(pair("watchdog-period", "0"), call("CONFIG", "GET", "watchdog-period"));
        assertEquals("*0\r\n", call("CONFIG", "GET", "watchdog-*"));
        assertTrue(call("CONFIG", "GET", "*").startsWith("*384\r\n"));
    }

    @Test
    void protectedConfigsFollowEnableProtectedConfigs(@TempDir Path dir) throws Exception {
        try (CinnabarServer s = CinnabarServer.builder().config("enable-protected-configs", "yes").build().start();
             RespClient c = new RespClient(s.port())) {
            assertEquals("+OK\r\n", c.call("CONFIG", "SET", "dir", dir.toString(), "dbfilename", "x.rdb"));
            assertEquals(pair("dir", dir.toRealPath().toString()), c.call("CONFIG", "GET", "dir"));
            assertEquals(failed("dir", "No such file or directory"), c.call("CONFIG", "SET", "dir", "nope"));
            assertEquals(failed("dbfilename", "dbfilename can't be a path, just a filename"),
                    c.call("CONFIG", "SET", "dbfilename", "a/b"));
        }
    }

    @Test
    void theBuilderRefusesWhatStartupRefuses() {
        assertEquals("'maxmemory 1gb': maxmemory (eviction) is not supported by Cinnabar yet",
                assertThrows(IllegalArgumentException.class,
                        () -> CinnabarServer.builder().config("maxmemory", "1gb").build()).getMessage());
        assertEquals("'loglevel loud': argument(s) must be one of the following: debug, verbose, notice, warning",
                assertThrows(IllegalArgumentException.class,
                        () -> CinnabarServer.builder().config("loglevel", "loud").build()).getMessage());
    }
}
