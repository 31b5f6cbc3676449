package io.cinnabar.server.script;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.server.testing.RespClient;
import io.cinnabar.server.testing.ServerTest;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The last differences from Redis 7.0's scripting: EVAL shebangs, undefined globals, self-referencing replies,
 * cjson's whole API, SCRIPT FLUSH resetting the Lua VM, C Lua's compile errors, MONITOR order. Replies are Redis
 * 7.0.15's, byte for byte.
 */
class ScriptingCompletionTest extends ServerTest {
    private static String sha(String script) {
        return EvalScripts.sha1hex(script.getBytes(StandardCharsets.UTF_8));
    }

    private String eval(String script) {
        return call("EVAL", script, "0");
    }

    private String scriptError(String message, String script, int line) {
        return "-" + message + " script: " + sha(script) + ", on @user_script:" + line + ".\r\n";
    }

    @Test
    void shebangDeclaresFlags() {
        String noWrites = "#!lua flags=no-writes\nreturn redis.call('set','k','v')";
        assertEquals(scriptError("ERR Write commands are not allowed from read-only scripts.", noWrites, 2),
                eval(noWrites));
        assertEquals(":2\r\n", eval("#!lua flags=no-writes,allow-oom,allow-stale,no-cluster,allow-cross-slot-keys\n"
                + "return 2"));
        assertEquals("-ERR Unexpected flag in script shebang: bad\r\n", eval("#!lua flags=bad\nreturn 2"));
        assertEquals("-ERR Unexpected flag in script shebang: \r\n", eval("#!lua flags=no-writes,\nreturn 2"));
        assertEquals("-ERR Unknown lua shebang option: name=x\r\n", eval("#!lua name=x\nreturn 2"));
        assertEquals("-ERR Unexpected engine in script shebang: #!LUA\r\n", eval("#!LUA\nreturn 2"));
        assertEquals("-ERR Invalid script shebang\r\n", eval("#!lua"));
        assertEquals("-ERR Invalid engine in script shebang\r\n", eval("#!lua \"unbalanced\nreturn 2"));
        assertEquals("-ERR Can not execute a script with write flag using *_ro command.\r\n",
                call("EVAL_RO", "#!lua\nreturn redis.call('set','k','v')", "0"));
        assertEquals("+OK\r\n", eval("#!lua\nreturn redis.call('set','k','v')"));
        String legacy = "return redis.call('set','k','v')";
        assertEquals(scriptError("ERR Write commands are not allowed from read-only scripts.", legacy, 1),
                call("EVAL_RO", legacy, "0"));
        assertEquals("-ERR Unexpected flag in script shebang: bad\r\n", call("SCRIPT", "LOAD", "#!lua flags=bad\n"));
        assertEquals("-NOSCRIPT No matching script. Please use EVAL.\r\n", call("EVALSHA", "tooshort", "abc"));
    }

    @Test
    void undefinedGlobalsFailWithRedisTexts() {
        assertEquals(scriptError("ERR user_script:1: Script attempted to access nonexistent global variable 'print'",
                "print('a')", 1), eval("print('a')"));
        assertEquals(scriptError("ERR user_script:1: Attempt to modify a readonly table", "x = 1", 1), eval("x = 1"));
    }

    @Test
    void aTableThatContainsItselfEndsAtTheStackLimitAndTheConnectionStaysInSync() throws InterruptedException {
        assertEquals("*1\r\n".repeat(7995) + "-ERR reached lua stack limit\r\n",
                callDeep("EVAL", "local t = {} t[1] = t return t", "0"));
        assertEquals("+PONG\r\n", call("PING"));
        String tooMany = "return unpack({}, 1, 1e8)";
        assertEquals(scriptError("ERR user_script:1: too many results to unpack", tooMany, 1), eval(tooMany));
    }

    @Test
    void cjsonHasItsWholeApiAndScriptFlushResetsIt() {
        assertEquals(":3\r\n", eval("return cjson.encode_max_depth(3)"));
        String deep = "return cjson.encode({{{{1}}}})";
        assertEquals(scriptError("ERR user_script:1: Cannot serialise, excessive nesting (4)", deep, 1), eval(deep));
        assertEquals("*5\r\n:3\r\n:14\r\n$-1\r\n:2\r\n:10\r\n", eval("return {cjson.encode_max_depth(), "
                + "cjson.encode_number_precision(), cjson.encode_sparse_array()}"));
        assertEquals("*2\r\n:1000\r\n:3\r\n", eval("local c = cjson.new() return {c.encode_max_depth(), "
                + "cjson.encode_max_depth()}"));
        assertEquals("+OK\r\n", call("SCRIPT", "FLUSH", "ASYNC"));
        assertEquals(":1000\r\n", eval("return cjson.encode_max_depth()"));
        assertEquals(bulk("null"), eval("return cjson.encode_invalid_numbers('null')"));
        assertEquals(bulk("[null,1.5]"), eval("return cjson.encode({1/0, 1.5})"));
        assertEquals(":1\r\n", eval("return cjson.encode_invalid_numbers(true)"));
        assertEquals(bulk("[-inf,nan]"), eval("return cjson.encode({-1/0, 0/0})"));
        assertEquals(":3\r\n", eval("return cjson.encode_number_precision(3)"));
        assertEquals(bulk("3.14"), eval("return cjson.encode(3.14159)"));
        String bad = "return cjson.encode_number_precision(15)";
        assertEquals(scriptError("ERR user_script:1: bad argument #1 to 'encode_number_precision' (expected integer "
                + "between 1 and 14)", bad, 1), eval(bad));
        assertEquals("$-1\r\n", eval("return cjson.decode_invalid_numbers(false)"));
        String hex = "return cjson.decode('0x10')";
        assertEquals(scriptError("ERR user_script:1: Expected value but found invalid number at character 1", hex, 1),
                eval(hex));
        assertEquals(":1\r\n", eval("return cjson.encode_sparse_array(true, 3, 5)"));
        assertEquals(bulk("{\"1\":1,\"10\":2}"), eval("return cjson.encode({[1]=1,[10]=2})"));
        assertEquals("$-1\r\n", eval("return cjson.encode_keep_buffer(false)"));
        assertEquals("+OK\r\n", call("SCRIPT", "FLUSH", "SYNC"));
        assertEquals(":14\r\n", eval("return cjson.encode_number_precision()"));
    }

    @Test
    void compileErrorsAreWordedAsCLua() {
        String prefix = "-ERR Error compiling script (new function): user_script:";
        assertEquals(prefix + "1: unfinished string near '<eof>'\r\n", eval("local a = 'x"));
        assertEquals(prefix + "1: unfinished string near ''x'\r\n", eval("local a = 'x\nb'"));
        assertEquals(prefix + "1: '<eof>' expected near '2'\r\n", eval("return 1 2"));
        assertEquals(prefix + "1: 'end' expected near '<eof>'\r\n", eval("if x then"));
        assertEquals(prefix + "1: malformed number near '12abc'\r\n", eval("return 12abc"));
        assertEquals(prefix + "1: '=' expected near 'x'\r\n", eval("goto x"));
        assertEquals(prefix + "1: no loop to break near '<eof>'\r\n", eval("break"));
        assertEquals(prefix + "2: ambiguous syntax (function call x new statement) near '('\r\n",
                eval("local x = f\n(g)()"));
        assertEquals(prefix + "1: cannot use '...' outside a vararg function near '...'\r\n",
                eval("function f() return ... end"));
        assertEquals(prefix + "1: unexpected symbol near '#'\r\n", eval("#abc\nreturn 1"));
        assertEquals(bulk("a [[ b"), eval("return [[a [[ b]]"));
        assertEquals(prefix + "1: chunk has too many syntax levels\r\n",
                eval("return " + "(".repeat(199) + "1" + ")".repeat(199)));
        assertEquals(":1\r\n", eval("return " + "(".repeat(198) + "1" + ")".repeat(198)));
        assertEquals(bulk("[string \"x = \"]:1: unexpected symbol near '<eof>'"),
                eval("local f, e = loadstring('x = ') return e"));
    }

    @Test
    void stringDumpWritesLua51Bytecode() {
        assertEquals("$77\r\n\u001bLuaQ\u0000\u0001\u0004\u0008\u0004\u0008\u0000\r\u0000\u0000\u0000\u0000\u0000\u0000"
                + "\u0000@user_script\u0000\u0001\u0000\u0000\u0000\u0001\u0000\u0000\u0000\u0000\u0000\u0000\u0002"
                + "\u0001\u0000\u0000\u0000\u001e\u0000\u0080\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000"
                + "\u0001\u0000\u0000\u0000\u0001\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\r\n",
                new String(client.callBytes("EVAL".getBytes(), "return string.dump(function() end)".getBytes(),
                        "0".getBytes()), StandardCharsets.ISO_8859_1));
        String notFunction = "return string.dump(1)";
        assertEquals(scriptError("ERR user_script:1: bad argument #1 to 'dump' (function expected, got number)",
                notFunction, 1), eval(notFunction));
        String builtin = "return string.dump(tostring)";
        assertEquals(scriptError("ERR user_script:1: unable to dump given function", builtin, 1), eval(builtin));
        assertEquals(":295\r\n", eval("return #string.dump(function() local t = {} for i = 1, 10 do t[i] = i * 2 end "
                + "return t end)"));
        assertEquals("$-1\r\n", eval("return loadstring(string.dump(function() return 1 end))"));
    }

    @Test
    void monitorShowsTheScriptCallBeforeItsCommands() throws Exception {
        try (RespClient monitor = new RespClient(server.port())) {
            assertEquals("+OK\r\n", monitor.call("MONITOR"));
            assertEquals(bulk("1"), eval("redis.call('set', 'a', '1') return redis.call('get', 'a')"));
            assertTrue(monitor.readReplyText().endsWith("\"EVAL\" \"redis.call('set', 'a', '1') return "
                    + "redis.call('get', 'a')\" \"0\"\r\n"));
            assertTrue(monitor.readReplyText().endsWith(" [0 lua] \"set\" \"a\" \"1\"\r\n"));
            assertTrue(monitor.readReplyText().endsWith(" [0 lua] \"get\" \"a\"\r\n"));
        }
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
