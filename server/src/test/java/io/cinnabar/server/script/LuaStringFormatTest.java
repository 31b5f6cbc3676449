package io.cinnabar.server.script;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cinnabar.server.testing.ServerTest;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** string.format as Lua 5.1's lstrlib.c under Redis 7.0.15, byte for byte (found by the differential run). */
class LuaStringFormatTest extends ServerTest {
    private String eval(String script, String... argv) {
        byte[][] args = new byte[3 + argv.length][];
        args[0] = "EVAL".getBytes(StandardCharsets.US_ASCII);
        args[1] = script.getBytes(StandardCharsets.ISO_8859_1);
        args[2] = new byte[] {'0'};
        for (int i = 0; i < argv.length; i++) {
            args[3 + i] = argv[i].getBytes(StandardCharsets.ISO_8859_1);
        }
        return new String(client.callBytes(args), StandardCharsets.ISO_8859_1);
    }

    private static String error(String message, String script) {
        return "-ERR user_script:1: " + message + " script: "
                + ScriptEngine.sha1hex(script.getBytes(StandardCharsets.ISO_8859_1)) + ", on @user_script:1.\r\n";
    }

    @Test
    void percentSKeepsBinaryBytes() {
        assertEquals("$6\r\n1.5|\u00e9\u00ff\r\n", eval("return string.format('%s|%s', 1.5, ARGV[1])", "\u00e9\u00ff"));
        assertEquals("$11\r\n        \u00e9\u00ff|\r\n", eval("return string.format('%10.2s|', ARGV[1])", "\u00e9\u00ff\u0001"));
    }

    @Test
    void percentSIsACStringUnlessLongAndUnprecise() {
        assertEquals("$6\r\n    a|\r\n", eval("return string.format('%5s|', 'a\\0b')"));
        assertEquals("$98\r\n" + "a".repeat(97) + "|\r\n", eval("return string.format('%s|', string.rep('a', 97) .. '\\0b')"));
        assertEquals("$102\r\n" + "a".repeat(99) + "\u0000b|\r\n",
                eval("return string.format('%s|', string.rep('a', 99) .. '\\0b')"));
    }

    @Test
    void argumentAndFormatErrorsAsLua51() {
        String noValue = "return string.format('%s')";
        assertEquals(error("bad argument #2 to 'format' (no value)", noValue), eval(noValue));
        String noNumber = "return string.format('%d')";
        assertEquals(error("bad argument #2 to 'format' (no value)", noNumber), eval(noNumber));
        String table = "return string.format('%s', {})";
        assertEquals(error("bad argument #2 to 'format' (string expected, got table)", table), eval(table));
        String wide = "return string.format('%100d|', 1)";
        assertEquals(error("invalid format (width or precision too long)", wide), eval(wide));
        String precise = "return string.format('%.200s|', 'a')";
        assertEquals(error("invalid format (width or precision too long)", precise), eval(precise));
        assertEquals("$5\r\n1.50|\r\n", eval("return string.format('%.2f|', 1.5)"));
    }
}
