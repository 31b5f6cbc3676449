package io.cinnabar.server.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.protocol.RespValue;
import io.cinnabar.server.testing.RespClient;
import io.cinnabar.server.testing.ServerTest;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ServerCommandsTest extends ServerTest {
    private RespValue parse(String reply) {
        return RespValue.parse(reply.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void infoHasTheFieldsClientsRead() {
        String info = parse(call("INFO")).text();
        for (String field : new String[] {"redis_version:7.0.15", "connected_clients:", "used_memory:",
            "used_memory_human:", "keyspace_hits:", "keyspace_misses:", "expired_keys:", "evicted_keys:",
            "total_commands_processed:", "loading:0", "role:master", "# Keyspace"}) {
            assertTrue(info.contains(field), field);
        }
        assertTrue(info.startsWith("# Server\r\n"));
        call("SET", "a", "1");
        call("GET", "a");
        call("GET", "zz");
        String all = parse(call("INFO", "all")).text();
        assertTrue(all.contains("db0:keys=1,expires=0,avg_ttl=0\r\n"), all);
        assertTrue(all.contains("cmdstat_get:calls=2,"), all);
        assertEquals("", parse(call("INFO", "nosuchsection")).text());
        call("HELLO", "3");
        assertTrue(call("INFO", "server").startsWith("="), "RESP3 INFO is a verbatim string");
    }

    @Test
    void configGetSetAndErrors() {
        assertEquals("*2\r\n$2\r\nhz\r\n$2\r\n10\r\n", call("CONFIG", "GET", "hz"));
        assertEquals("+OK\r\n", call("CONFIG", "SET", "hz", "1000"));
        assertEquals("*2\r\n$2\r\nhz\r\n$3\r\n500\r\n", call("CONFIG", "GET", "hz"));
        call("CONFIG", "SET", "hz", "10");
        assertEquals("*4\r\n$4\r\nsave\r\n$0\r\n\r\n$10\r\nappendonly\r\n$2\r\nno\r\n", call("CONFIG", "GET", "save", "appendonly"));
        assertEquals("-ERR Unknown option or number of arguments for CONFIG SET - 'foo'\r\n", call("CONFIG", "SET", "foo", "1"));
        assertEquals("-ERR CONFIG SET failed (possibly related to argument 'hz') - argument couldn't be parsed into an integer\r\n",
                call("CONFIG", "SET", "hz", "x"));
        assertEquals("-ERR CONFIG SET failed (possibly related to argument 'databases') - can't set immutable config\r\n",
                call("CONFIG", "SET", "databases", "3"));
        assertEquals("-ERR CONFIG SET failed (possibly related to argument 'hz') - duplicate parameter\r\n",
                call("CONFIG", "SET", "hz", "5", "hz", "6"));
        assertEquals("-ERR CONFIG SET failed (possibly related to argument 'timeout') - argument must be between 0 and 2147483647 inclusive\r\n",
                call("CONFIG", "SET", "hz", "20", "timeout", "-1"));
        assertEquals("*2\r\n$2\r\nhz\r\n$2\r\n10\r\n", call("CONFIG", "GET", "hz")); // all or nothing
        assertEquals("-ERR The server is running without a config file\r\n", call("CONFIG", "REWRITE"));
        assertEquals("+OK\r\n", call("CONFIG", "RESETSTAT"));
    }

    @Test
    void flushAndDbsize() {
        call("MSET", "a", "1", "b", "2");
        assertEquals(":2\r\n", call("DBSIZE"));
        assertEquals("-ERR syntax error\r\n", call("FLUSHDB", "NOW"));
        assertEquals("+OK\r\n", call("FLUSHDB", "ASYNC"));
        assertEquals(":0\r\n", call("DBSIZE"));
        call("SELECT", "3");
        call("SET", "c", "3");
        assertEquals("+OK\r\n", call("FLUSHALL", "SYNC"));
        assertEquals(":0\r\n", call("DBSIZE"));
    }

    @Test
    void timeAndLastsave() {
        RespValue time = parse(call("TIME"));
        long seconds = Long.parseLong(time.elements.get(0).text());
        assertTrue(Math.abs(seconds - System.currentTimeMillis() / 1000) < 5);
        assertTrue(call("LASTSAVE").startsWith(":"));
    }

    @Test
    void slowlogRecordsSlowCommands() {
        call("CONFIG", "SET", "slowlog-log-slower-than", "0");
        try {
            call("SLOWLOG", "RESET");
            call("SET", "k", "v");
            RespValue entries = parse(call("SLOWLOG", "GET", "1"));
            assertEquals(1, entries.elements.size());
            RespValue entry = entries.elements.get(0);
            assertEquals(6, entry.elements.size());
            assertEquals("SET", entry.elements.get(3).elements.get(0).text());
            assertEquals("-ERR count should be greater than or equal to -1\r\n", call("SLOWLOG", "GET", "-2"));
        } finally {
            call("CONFIG", "SET", "slowlog-log-slower-than", "10000");
        }
    }

    @Test
    void monitorSeesOtherClientsCommands() {
        try (RespClient monitor = new RespClient(server.port())) {
            assertEquals("+OK\r\n", monitor.call("MONITOR"));
            call("SET", "k", "a\"b");
            String line = monitor.readReplyText();
            assertTrue(line.matches("\\+\\d+\\.\\d{6} \\[0 127\\.0\\.0\\.1:\\d+] \"SET\" \"k\" \"a\\\\\"b\"\r\n"), line);
        }
    }

    @Test
    void debugDigestsMatchRedis() {
        assertEquals("+0000000000000000000000000000000000000000\r\n", call("DEBUG", "DIGEST"));
        call("SET", "foo", "bar");
        call("SET", "n", "123");
        // values computed by Redis 7.0.15 for the same dataset
        assertEquals("*1\r\n+68467c70ae30376e7ce005bcc8827f5ba7fd67dc\r\n", call("DEBUG", "DIGEST-VALUE", "foo"));
        assertEquals(":12345\r\n", call("DEBUG", "PROTOCOL", "integer"));
        assertEquals("-ERR unknown subcommand or wrong number of arguments for 'SLEEP'. Try DEBUG HELP.\r\n",
                call("DEBUG", "SLEEP"));
        assertTrue(call("DEBUG", "OBJECT", "foo").startsWith("+Value at:0x"));
    }

    @Test
    void commandIntrospectionComesFromTheRecordedTable() {
        assertEquals("*1\r\n*10\r\n$3\r\nget\r\n:2\r\n*2\r\n+readonly\r\n+fast\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@read\r\n+@string\r\n"
                + "+@fast\r\n*0\r\n*1\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n"
                + "$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n"
                + "$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n",
                call("COMMAND", "INFO", "get"));
        assertEquals("*2\r\n$1\r\na\r\n$1\r\nc\r\n", call("COMMAND", "GETKEYS", "MSET", "a", "b", "c", "d"));
        assertEquals("-ERR Invalid command specified\r\n", call("COMMAND", "GETKEYS", "nope", "x"));
        assertEquals("-ERR The command has no key arguments\r\n", call("COMMAND", "GETKEYS", "PING", "x"));
        // numkeys commands, by their key specs: an out-of-bounds count gives no keys at all
        assertEquals("*2\r\n$1\r\na\r\n$1\r\nb\r\n",
                call("COMMAND", "GETKEYS", "BLMPOP", "0", "2", "a", "b", "LEFT", "COUNT", "2"));
        assertEquals("*3\r\n$1\r\nd\r\n$1\r\na\r\n$1\r\nb\r\n",
                call("COMMAND", "GETKEYS", "ZUNIONSTORE", "d", "2", "a", "b"));
        assertEquals("-ERR Invalid arguments specified for command\r\n",
                call("COMMAND", "GETKEYS", "LMPOP", "3", "l", "LEFT"));
        assertEquals("*0\r\n", call("COMMAND", "GETKEYS", "EVAL", "x", "3", "a", "b")); // no mandatory keys
        assertTrue(call("COMMAND", "DOCS").startsWith("*"));
    }
}
