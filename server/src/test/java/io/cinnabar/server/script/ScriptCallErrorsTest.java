package io.cinnabar.server.script;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cinnabar.server.testing.ServerTest;
import org.junit.jupiter.api.Test;

/**
 * Commands called from scripts name themselves in their errors as they do for network clients (the script's
 * client carries the command being run), and tonumber reads numbers as C's strtod/strtoul do. Replies are Redis
 * 7.0.15's, byte for byte.
 */
class ScriptCallErrorsTest extends ServerTest {
    private String eval(String script, String... rest) {
        String[] argv = new String[3 + rest.length];
        argv[0] = "EVAL";
        argv[1] = script;
        argv[2] = "0";
        System.arraycopy(rest, 0, argv, 3, rest.length);
        return call(argv);
    }

    private static String scriptError(String message, String script) {
        return "-" + message + " script: " + EvalScripts.sha1hex(script.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                + ", on @user_script:1.\r\n";
    }

    private void assertScriptError(String message, String script) {
        assertEquals(scriptError(message, script), eval(script));
    }

    @Test
    void invalidExpireTimesNameTheCommandInsideScripts() {
        assertScriptError("ERR invalid expire time in 'set' command", "return redis.call('SET','k','v','EX',0)");
        assertScriptError("ERR invalid expire time in 'setex' command", "return redis.call('SETEX','k',0,'v')");
        assertScriptError("ERR invalid expire time in 'psetex' command", "return redis.call('PSETEX','k',0,'v')");
        call("SET", "k", "v");
        assertScriptError("ERR invalid expire time in 'expire' command",
                "return redis.call('EXPIRE','k','9223372036854775807')");
        assertScriptError("ERR invalid expire time in 'getex' command",
                "return redis.call('GETEX','k','EX','9223372036854775807')");
        assertEquals("-ERR invalid expire time in 'set' command\r\n",
                eval("return redis.pcall('SET','k','v','PX',-1)"));
        assertEquals(":-1\r\n", call("TTL", "k"));
    }

    @Test
    void oddMsetArgumentsNameTheCommandInsideScripts() {
        assertScriptError("ERR wrong number of arguments for 'mset' command", "return redis.call('MSET','a','1','b')");
        assertScriptError("ERR wrong number of arguments for 'msetnx' command", "return redis.call('MSETNX','a','1','b')");
        assertEquals("-ERR wrong number of arguments for 'mset' command\r\n", eval("return redis.pcall('MSET','a','1','b')"));
        assertEquals("+OK\r\n", call("MSET", "a", "1"));
        assertEquals("-ERR wrong number of arguments for 'mset' command\r\n", call("MSET", "a", "1", "b"));
    }

    @Test
    void tonumberReadsWhatStrtodReads() {
        String script = "local out = {} for i, s in ipairs(ARGV) do local x = tonumber(s) "
                + "out[i] = type(x) .. ' ' .. tostring(x) end return out";
        String reply = call("EVAL", script, "0", "inf", "nan", "-inf", "infinity", "INF", "-nan", "Infinity", "infinit",
                "0x10", "-0x10", "1e400", " 5 ", "\t5\n", "1e", "0x", "0x1p4", "0x1p", "0x.8", ".5", "5.", ".",
                "nanx", "nan()", "nan(a_1)", "nan(a-1)", "0xffffffffffffffffff", "nan(123)", "5\u0000x", "1e+",
                "4.9e-324", "1e99999999999", "1,5");
        assertEquals("*32\r\n"
                + bulk("number inf") + bulk("number nan") + bulk("number -inf") + bulk("number inf")
                + bulk("number inf") + bulk("number -nan") + bulk("number inf") + bulk("nil nil")
                + bulk("number 16") + bulk("number -16") + bulk("number inf") + bulk("number 5")
                + bulk("number 5") + bulk("nil nil") + bulk("nil nil") + bulk("number 16")
                + bulk("nil nil") + bulk("number 0.5") + bulk("number 0.5") + bulk("number 5") + bulk("nil nil")
                + bulk("nil nil") + bulk("number nan") + bulk("number nan") + bulk("nil nil")
                + bulk("number 4.7223664828696e+21") + bulk("number nan") + bulk("number 5") + bulk("nil nil")
                + bulk("number 4.9406564584125e-324") + bulk("number inf") + bulk("nil nil"), reply);
        assertEquals(":-9223372036854775808\r\n", eval("return tonumber('inf')"));
        assertEquals(":-9223372036854775808\r\n", eval("return tonumber('nan')"));
        assertEquals(":-9223372036854775808\r\n", eval("return tonumber('-inf')"));
    }

    @Test
    void tonumberWithABaseReadsWhatStrtoulReads() {
        assertEquals("*8\r\n" + bulk("1.844674407371e+19") + bulk("31") + bulk("nil") + bulk("1.844674407371e+19")
                        + bulk("1.844674407371e+19") + bulk("35") + bulk("16") + bulk("10"),
                eval("return {tostring(tonumber('-5', 16)), tostring(tonumber('0x1f', 16)), tostring(tonumber('0x', 16)),"
                        + " tostring(tonumber('ffffffffffffffffffff', 16)), tostring(tonumber(' -7 ', 36)),"
                        + " tostring(tonumber('z', 36)), tostring(tonumber(10, 16)), tostring(tonumber('12', '8'))}"));
        assertScriptError("ERR user_script:1: bad argument #2 to 'tonumber' (base out of range)",
                "return tonumber('5', 37)");
        assertScriptError("ERR user_script:1: bad argument #1 to 'tonumber' (value expected)", "return tonumber()");
    }

    @Test
    void aJavaExceptionUnderALuaCallBecomesAPlainLuaError() {
        org.luaj.vm2.LuaError e = LuaBridge.internalError(new org.luaj.vm2.Globals(),
                new ArrayIndexOutOfBoundsException("Index 2 out of bounds for length 2"));
        assertEquals("internal error in the Lua engine, see the server log", e.getMessageObject().tojstring());
    }

    private byte[] evalBytes(String script) {
        return client.callBytes("EVAL".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1),
                script.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1), new byte[] {'0'});
    }

    private void assertReply(String expected, String script) {
        assertEquals(expected, new String(evalBytes(script), java.nio.charset.StandardCharsets.ISO_8859_1), script);
    }

    @Test
    void statusAndErrorTablesAreCStringsWithTheirOwnBytes() {
        assertReply("+a\r\n", "return {ok='a\\0b'}");
        assertReply("+a\u00ff  b\r\n", "return {ok='a\\255\\r\\nb'}");
        assertReply("+a\u00ff\r\n", "return redis.status_reply('a\\255')");
        assertReply("-ab\r\n", "return {err='ab\\0cd'}");
        assertReply("-a\u00ffb\r\n", "return {err='a\\255b'}");
        assertReply("-x\r\n", "return {err='x\\r\\n'}");
        assertReply("-  x\r\n", "return {err='\\r\\nx'}");
        assertReply("$4\r\n12\u0000\u00ff\r\n", "redis.setresp(3) return {big_number='12\\0\\255'}");
    }

    @Test
    void errorReplySplitsItsCodeAsRedisDoes() {
        assertReply("-ERR a\r\n", "return redis.error_reply('a\\0b')");
        assertReply("-ERR \u00ff\r\n", "return redis.error_reply('\\255')");
        assertReply("-ERR x\r\n", "return redis.error_reply('\\nx\\n')");
        assertReply("-MY x\r\n", "return redis.error_reply('-MY \\nx\\n')");
        assertReply("-ERR x\r\n", "return redis.error_reply('-\\nx')");
        assertReply("-ERR MY\r\n", "return redis.error_reply('-MY')");
        assertReply("-MY x\r\n", "return redis.error_reply('MY x')");
        assertReply("- x\r\n", "return redis.error_reply(' x')");
    }

    @Test
    void errorMessagesKeepTheirBytesUpToTheFirstNul() {
        assertReply(scriptError("ERR user_script:1: a", "error('a\\0\\255b')"), "error('a\\0\\255b')");
        assertReply(scriptError("ERR user_script:1: \u00ff", "error('\\255')"), "error('\\255')");
        assertReply(scriptError("a", "error({err='a\\0b'})"), "error({err='a\\0b'})");
    }

    @Test
    void cjsonRefusesUtf16AndUtf32() {
        String script = "return cjson.decode(ARGV[1])";
        assertEquals(scriptError("ERR user_script:1: JSON parser does not support UTF-16 or UTF-32", script),
                call("EVAL", script, "0", "\u0000\u00ff"));
        assertEquals(scriptError("ERR user_script:1: JSON parser does not support UTF-16 or UTF-32", script),
                call("EVAL", script, "0", "1\u0000"));
        assertEquals(":1\r\n", call("EVAL", script, "0", "1"));
    }

    @Test
    void cjsonDecodesNumbersWithStrtodAsLuaCjsonDoes() {
        String script = "local out = {} for i, j in ipairs(ARGV) do local ok, v = pcall(cjson.decode, j) "
                + "out[i] = ok and cjson.encode({v}) or v end return out";
        assertEquals("*9\r\n" + bulk("[1]") + bulk("[-16]") + bulk("[7]") + bulk("[1]")
                        + bulk("[[1,2]]") + bulk("Expected value but found invalid token at character 1")
                        + bulk("Expected value but found T_ARR_END at character 4")
                        + bulk("Expected value but found invalid number at character 1")
                        + bulk("Expected the end but found invalid token at character 4"),
                call("EVAL", script, "0", "+1", "-0x10", "007", "1.", "[1,+2]", ".5", "[1,]", "-", "1.5e"));
        assertEquals(scriptError("ERR user_script:1: Cannot serialise number: must not be NaN or Inf",
                "return cjson.encode({cjson.decode('inf')})"), eval("return cjson.encode({cjson.decode('inf')})"));
    }

    @Test
    void cjsonNamesTheTokenItFoundAsLuaCjsonDoes() {
        String script = "local out = {} for i, j in ipairs(ARGV) do local ok, v = pcall(cjson.decode, j) "
                + "out[i] = ok and cjson.encode({v}) or v end return out";
        assertEquals("*5\r\n" + bulk("Expected the end but found invalid token at character 3")
                        + bulk("Expected the end but found T_NULL at character 3")
                        + bulk("Expected the end but found invalid number at character 3")
                        + bulk("Expected the end but found T_NUMBER at character 3")
                        + bulk("Expected comma or array end but found T_BOOLEAN at character 4"),
                call("EVAL", script, "0", "24n", "1 null", "1 -", "1 +5", "[1 false]"));
    }
}
