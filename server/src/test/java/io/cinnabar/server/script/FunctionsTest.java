package io.cinnabar.server.script;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.server.testing.RespClient;
import io.cinnabar.server.testing.ServerTest;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Redis 7.0 functions: FUNCTION's subcommands, FCALL and FCALL_RO, byte for byte as Redis 7.0.15 answers. */
class FunctionsTest extends ServerTest {
    private static final String LIB = "#!lua name=mylib\n"
            + "redis.register_function('myfunc', function(keys, args) return {keys, args} end)";

    @BeforeEach
    void flushFunctions() {
        assertEquals("+OK\r\n", call("FUNCTION", "FLUSH"));
    }

    private String load(String code) {
        return call("FUNCTION", "LOAD", "REPLACE", code);
    }

    private String loadError(String body) {
        return load("#!lua name=x\n" + body);
    }

    @Test
    void loadAndCall() {
        assertEquals(bulk("mylib"), call("FUNCTION", "LOAD", LIB));
        assertEquals("*2\r\n*1\r\n$1\r\nk\r\n*1\r\n$1\r\na\r\n", call("FCALL", "myfunc", "1", "k", "a"));
        assertEquals("*2\r\n*1\r\n$1\r\nk\r\n*1\r\n$1\r\na\r\n", call("FCALL", "MYFUNC", "1", "k", "a"));
        assertEquals("-ERR Function not found\r\n", call("FCALL", "nosuch", "0"));
        assertEquals("-ERR Bad number of keys provided\r\n", call("FCALL", "myfunc", "x"));
        assertEquals("-ERR Number of keys can't be negative\r\n", call("FCALL", "myfunc", "-1"));
        assertEquals("-ERR Number of keys can't be greater than number of args\r\n", call("FCALL", "myfunc", "5"));
        assertEquals("-ERR Can not execute a script with write flag using *_ro command.\r\n",
                call("FCALL_RO", "myfunc", "0"));
        assertEquals("-ERR Library 'mylib' already exists\r\n", call("FUNCTION", "LOAD", LIB));
        assertEquals("-ERR Function MYFUNC already exists\r\n", call("FUNCTION", "LOAD",
                "#!lua name=mylib2\nredis.register_function('MYFUNC', function() return 1 end)"));
        assertEquals(bulk("mylib"), load(LIB.replace("{keys, args}", "#args")));
        assertEquals(":2\r\n", call("FCALL", "myfunc", "0", "a", "b"));
    }

    @Test
    void metadataErrors() {
        assertEquals("-ERR No functions registered\r\n", call("FUNCTION", "LOAD", "#!lua name=x\n"));
        assertEquals("-ERR Library name was not given\r\n", call("FUNCTION", "LOAD", "#!lua\nreturn"));
        assertEquals("-ERR Invalid metadata value given: foo=bar\r\n", call("FUNCTION", "LOAD", "#!lua name=x foo=bar\n"));
        assertEquals("-ERR Invalid metadata value, name argument was given multiple times\r\n",
                call("FUNCTION", "LOAD", "#!lua name=x name=y\n"));
        assertEquals("-ERR Engine 'js' not found\r\n", call("FUNCTION", "LOAD", "#!js name=x\n"));
        assertEquals("-ERR Missing library metadata\r\n", call("FUNCTION", "LOAD", "lua name=x\n"));
        assertEquals("-ERR Invalid library metadata\r\n", call("FUNCTION", "LOAD", "#!lua name=x"));
        assertEquals("-ERR Library names can only contain letters, numbers, or underscores(_) and must be at least "
                + "one character long\r\n", call("FUNCTION", "LOAD", "#!lua name=x-y\n"));
        assertEquals(bulk("x3"), call("FUNCTION", "LOAD", "#!LUA NAME=x3\nredis.register_function('a3', function() end)"));
        assertEquals("-ERR Unknown option given: foo\r\n", call("FUNCTION", "LOAD", "foo", "x"));
        assertEquals("-ERR Missing library metadata\r\n", call("FUNCTION", "LOAD", "replace"));
    }

    @Test
    void theLoadTimeEnvironmentIsRedisOwn() {
        assertEquals("-ERR Error registering functions: ERR user_function:2: Script attempted to access nonexistent "
                + "global variable 'call'\r\n", loadError("redis.call('ping')"));
        assertEquals("-ERR Error registering functions: ERR user_function:2: Script attempted to access nonexistent "
                + "global variable 'string'\r\n", loadError("local a = string.format('%d', 1)"));
        assertEquals("-ERR Error registering functions: ERR user_function:2: Script attempted to access nonexistent "
                + "global variable 'setresp'\r\n", loadError("redis.setresp(3)"));
        assertEquals("-ERR Error registering functions: ERR user_function:2: Attempt to modify a readonly table\r\n",
                loadError("x = 1"));
        assertEquals("-ERR Error compiling function: user_function:2: unexpected symbol near '+'\r\n",
                loadError("return +"));
        assertEquals(bulk("x"), loadError("local v = redis.REDIS_VERSION redis.log(redis.LOG_DEBUG, 'loading')\n"
                + "redis.register_function('f', function() return v end)"));
        assertEquals(bulk("7.0.15"), call("FCALL", "f", "0"));
        assertEquals("-ERR Error registering functions: ERR FUNCTION LOAD timeout\r\n", loadError("while true do end"));
    }

    @Test
    void registerFunctionArguments() {
        String prefix = "-ERR Error registering functions: ERR ";
        assertEquals(prefix + "wrong number of arguments to redis.register_function\r\n",
                loadError("redis.register_function()"));
        assertEquals(prefix + "calling redis.register_function with a single argument is only applicable to Lua "
                + "table (representing named arguments).\r\n", loadError("redis.register_function('a')"));
        assertEquals(prefix + "second argument to redis.register_function must be a function\r\n",
                loadError("redis.register_function('a', 1)"));
        assertEquals(prefix + "redis.register_function must get a callback argument\r\n",
                loadError("redis.register_function({function_name='a'})"));
        assertEquals(prefix + "unknown argument given to redis.register_function\r\n",
                loadError("redis.register_function({function_name='a', callback=function() end, foo=1})"));
        assertEquals(prefix + "unknown flag given\r\n",
                loadError("redis.register_function({function_name='a', callback=function() end, flags={'bad'}})"));
        assertEquals(prefix + "Function already exists in the library\r\n",
                loadError("redis.register_function('a', function() end) redis.register_function('a', function() end)"));
        assertEquals(prefix + "Library names can only contain letters, numbers, or underscores(_) and must be at "
                + "least one character long\r\n", loadError("redis.register_function('a-b', function() end)"));
    }

    @Test
    void namesThatDifferOnlyInCaseShareOneEntry() {
        // the library's own table compares exactly, the index FCALL uses ignores case and keeps the first
        assertEquals(bulk("x"), loadError("redis.register_function('a', function() return 'a' end) "
                + "redis.register_function('A', function() return 'A' end)"));
        assertEquals(bulk("a"), call("FCALL", "A", "0"));
        assertTrue(call("FUNCTION", "LIST").contains(bulk("name") + bulk("A")));
        assertTrue(call("FUNCTION", "STATS").endsWith(bulk("functions_count") + ":1\r\n"));
        assertEquals("+OK\r\n", call("FUNCTION", "DELETE", "x")); // where Redis 7.0.15 fails an assertion
        assertEquals("-ERR Function not found\r\n", call("FCALL", "a", "0"));
    }

    @Test
    void runtimeErrorsNameTheFunction() {
        load("#!lua name=x\nredis.register_function('f', function(keys, args)\n\n error('boom') end)\n"
                + "redis.register_function('g', function() return KEYS end)\n"
                + "redis.register_function{function_name='ro', callback=function(k) return redis.call('set', k[1], 'v') "
                + "end, flags={'no-writes'}}");
        assertEquals("-ERR user_function:4: boom script: f, on @user_function:4.\r\n", call("FCALL", "f", "0"));
        assertEquals("-ERR user_function:5: Script attempted to access nonexistent global variable 'KEYS' script: g, "
                + "on @user_function:5.\r\n", call("FCALL", "g", "0"));
        assertEquals("-ERR Write commands are not allowed from read-only scripts. script: ro, on @user_function:6.\r\n",
                call("FCALL_RO", "ro", "1", "k"));
        assertEquals("$-1\r\n", call("GET", "k"));
    }

    @Test
    void listShowsLibrariesFunctionsAndFlags() {
        String code = "#!lua name=lib1\nredis.register_function{function_name='a', callback=function() end, "
                + "flags={'no-writes','allow-oom','allow-stale','no-cluster','allow-cross-slot-keys'}, description='d'}";
        load(code);
        String function = "*6\r\n" + bulk("name") + bulk("a") + bulk("description") + bulk("d") + bulk("flags")
                + "*5\r\n+no-writes\r\n+allow-oom\r\n+allow-stale\r\n+no-cluster\r\n+allow-cross-slot-keys\r\n";
        String head = bulk("library_name") + bulk("lib1") + bulk("engine") + bulk("LUA") + bulk("functions") + "*1\r\n";
        assertEquals("*1\r\n*6\r\n" + head + function, call("FUNCTION", "LIST"));
        assertEquals("*1\r\n*8\r\n" + head + function + bulk("library_code") + bulk(code),
                call("FUNCTION", "LIST", "LIBRARYNAME", "LIB*", "WITHCODE"));
        assertEquals("*0\r\n", call("FUNCTION", "LIST", "LIBRARYNAME", "nomatch"));
        assertEquals("-ERR library name argument was not given\r\n", call("FUNCTION", "LIST", "LIBRARYNAME"));
        assertEquals("-ERR Unknown argument withcode\r\n", call("FUNCTION", "LIST", "withcode", "withcode"));
        try (RespClient resp3 = new RespClient(server.port())) {
            resp3.call("HELLO", "3");
            assertEquals("*1\r\n%3\r\n" + head.replace("*1\r\n", "*1\r\n") + "%3\r\n" + bulk("name") + bulk("a")
                    + bulk("description") + bulk("d") + bulk("flags")
                    + "~5\r\n+no-writes\r\n+allow-oom\r\n+allow-stale\r\n+no-cluster\r\n+allow-cross-slot-keys\r\n",
                    resp3.call("FUNCTION", "LIST"));
        }
    }

    @Test
    void deleteFlushAndStats() {
        load(LIB);
        assertEquals("*4\r\n" + bulk("running_script") + "$-1\r\n" + bulk("engines") + "*2\r\n" + bulk("LUA")
                + "*4\r\n" + bulk("libraries_count") + ":1\r\n" + bulk("functions_count") + ":1\r\n",
                call("FUNCTION", "STATS"));
        assertEquals("-ERR Library not found\r\n", call("FUNCTION", "DELETE", "MYLIB"));
        assertEquals("+OK\r\n", call("FUNCTION", "DELETE", "mylib"));
        assertEquals("-ERR Function not found\r\n", call("FCALL", "myfunc", "0"));
        load(LIB);
        assertEquals("-ERR FUNCTION FLUSH only supports SYNC|ASYNC option\r\n", call("FUNCTION", "FLUSH", "foo"));
        assertEquals("-ERR unknown subcommand or wrong number of arguments for 'flush'. Try FUNCTION HELP.\r\n",
                call("FUNCTION", "flush", "async", "x"));
        assertEquals("+OK\r\n", call("FUNCTION", "FLUSH", "ASYNC"));
        assertEquals("*0\r\n", call("FUNCTION", "LIST"));
        assertEquals("-NOTBUSY No scripts in execution right now.\r\n", call("FUNCTION", "KILL"));
        assertTrue(call("FUNCTION", "HELP").startsWith("*40\r\n+FUNCTION <subcommand> [<arg> [value] [opt] ...]."));
    }

    /** FUNCTION DUMP of the library below on Redis 7.0.15 (an LZF-compressed F5 record, version 10, CRC-64). */
    private static final String BIG = "#!lua name=big\n-- " + "a".repeat(90)
            + "\nredis.register_function('big', function() return 1 end)";
    private static final String BIG_DUMP = "f5c3404b40a41223216c7561206e616d653d6269670a2d2d2061e05000190a7265646973"
            + "2e72656769737465725f66756e6374696f6e2827207a02272c20e0000f0e292072657475726e203120656e64290a0031baf416"
            + "a5a93f2b";

    private byte[] dump() {
        byte[] reply = client.callBytes("FUNCTION".getBytes(), "DUMP".getBytes());
        String header = new String(reply, 0, reply.length, StandardCharsets.ISO_8859_1);
        int start = header.indexOf("\r\n") + 2;
        return java.util.Arrays.copyOfRange(reply, start, reply.length - 2);
    }

    @Test
    void dumpIsRedisPayloadAndRestoreReadsIt() {
        assertArrayEquals(HexFormat.of().parseHex("0a005d9b5c400f7fa2da"), dump());
        load(BIG);
        assertArrayEquals(HexFormat.of().parseHex(BIG_DUMP), dump());
        byte[] payload = HexFormat.of().parseHex(BIG_DUMP);
        assertEquals("-ERR Library big already exists\r\n",
                new String(client.callBytes(b("FUNCTION"), b("RESTORE"), payload), StandardCharsets.UTF_8));
        assertEquals("+OK\r\n", new String(client.callBytes(b("FUNCTION"), b("RESTORE"), payload, b("REPLACE")),
                StandardCharsets.UTF_8));
        call("FUNCTION", "FLUSH");
        load(LIB);
        assertEquals("+OK\r\n", new String(client.callBytes(b("FUNCTION"), b("RESTORE"), payload, b("FLUSH")),
                StandardCharsets.UTF_8));
        assertEquals(":1\r\n", call("FCALL", "big", "0"));
        assertEquals("-ERR Function not found\r\n", call("FCALL", "myfunc", "0"));
        payload[5] ^= 1;
        assertEquals("-ERR DUMP payload version or checksum are wrong\r\n",
                new String(client.callBytes(b("FUNCTION"), b("RESTORE"), payload), StandardCharsets.UTF_8));
        assertEquals("-ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.\r\n",
                call("FUNCTION", "RESTORE", "x", "foo"));
        assertEquals("-ERR unknown subcommand or wrong number of arguments for 'restore'. Try FUNCTION HELP.\r\n",
                call("FUNCTION", "restore", "x", "flush", "y"));
        // a valid footer over a record that is not a function
        io.cinnabar.server.persist.RdbOutput notFunction = new io.cinnabar.server.persist.RdbOutput(16, false);
        notFunction.write(0);
        notFunction.write(0);
        byte[] wrongType = io.cinnabar.server.persist.DumpPayload.finish(notFunction);
        assertEquals("-ERR given type is not a function\r\n",
                new String(client.callBytes(b("FUNCTION"), b("RESTORE"), wrongType), StandardCharsets.UTF_8));
    }

    @Test
    void aTableThatContainsItselfStopsAtLuaStackLimit() throws InterruptedException {
        load("#!lua name=x\nredis.register_function('f', function() local t = {} t[1] = t return t end)");
        assertEquals("*1\r\n".repeat(7995) + "-ERR reached lua stack limit\r\n", callDeep("FCALL", "f", "0"));
        assertEquals("+PONG\r\n", call("PING"));
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** A call whose reply nests deeper than the test thread's stack lets the test client parse. */
    private String callDeep(String... args) throws InterruptedException {
        String[] reply = new String[1];
        Thread t = new Thread(null, () -> reply[0] = call(args), "deep-reply", 256L * 1024 * 1024);
        t.start();
        t.join();
        return reply[0];
    }
}
