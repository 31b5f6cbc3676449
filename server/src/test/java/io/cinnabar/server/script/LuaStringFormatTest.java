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
                + EvalScripts.sha1hex(script.getBytes(StandardCharsets.ISO_8859_1)) + ", on @user_script:1.\r\n";
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

    @Test
    void integerConversionsCastAsX86Does() {
        assertEquals("$82\r\n-9223372036854775808 ffffffffffffffff 1777777777777777777777 9223372036854775808 0\r\n",
                eval("return string.format('%d %x %o %u %X', 0/0, -1, -1, 2^63, 2^64)"));
        assertEquals("$28\r\n  inf|-9223372036854775808|0\r\n",
                eval("return string.format('%5.2f|%-5d|%x', 1e309, 1e309, 1e309)"));
        assertEquals("$1\r\n\u00ff\r\n", eval("return string.format('%c%c', 1e10, -1)"));
        assertEquals("$7\r\n    ||A\r\n", eval("return string.format('%5c|%-5c|%c', 0, 0, 65)"));
    }

    @Test
    void tableConcatAsLua51() {
        assertEquals("$13\r\n1-2.5-x-1e+15\r\n", eval("return table.concat({1, 2.5, 'x', 1e15}, '-')"));
        assertEquals("$7\r\n21e+153\r\n", eval("return table.concat({1, 2, 3}, 1e15, 2, 3)"));
        assertEquals("$5\r\na\u0000b\u0000c\r\n", eval("return table.concat({'a\\0b', 'c'}, '\\0')"));
        String[][] errors = {
            {"return table.concat({1, {}, 3})", "invalid value (table) at index 2 in table for 'concat'"},
            {"return table.concat({ARGV[1], '', 'z'}, ',')", "invalid value (nil) at index 1 in table for 'concat'"},
            {"return table.concat({1, 2, 3}, ',', 2, 5)", "invalid value (nil) at index 4 in table for 'concat'"},
            {"return table.concat({}, {})", "bad argument #2 to 'concat' (string expected, got table)"},
            {"return table.concat({1, 2}, ',', 'x')", "bad argument #3 to 'concat' (number expected, got string)"},
            {"return table.concat({1, 2}, ',', 1, 'x')", "bad argument #4 to 'concat' (number expected, got string)"},
        };
        for (String[] e : errors) {
            assertEquals(error(e[1], e[0]), eval(e[0]), e[0]);
        }
    }

    @Test
    void upperAndLowerChangeAsciiLettersOnlyAndKeepEveryByte() {
        assertEquals("$16\r\n\u00e9AZ\u00c0\u00ff\u00b5\u0000X\u00e9az\u00c0\u00ff\u00b5\u0000x\r\n",
                eval("return string.upper(ARGV[1]) .. string.lower(ARGV[1])", "\u00e9aZ\u00c0\u00ff\u00b5\u0000x"));
        assertEquals("$9\r\n12.51e+15\r\n", eval("return string.upper(12.5) .. string.lower(1e15)"));
        String none = "return string.upper()";
        assertEquals(error("bad argument #1 to 'upper' (string expected, got no value)", none), eval(none));
        assertEquals("$53\r\n8000000000000000 8000000000000000 9223372036854775808\r\n",
                eval("return string.format('%x %X %u', 0/0, 0/0, -(0/0))"));
    }

    @Test
    void mathFmodIsCsFmod() {
        assertEquals("*7\r\n$1\r\n2\r\n$2\r\n-1\r\n$1\r\n1\r\n$3\r\n1.5\r\n$4\r\n-nan\r\n$4\r\n-nan\r\n$1\r\n2\r\n",
                eval("return {tostring(math.fmod(1e308, 3)), tostring(math.fmod(-7, 3)), tostring(math.fmod(7, -3)),"
                        + " tostring(math.fmod(5.5, 2)), tostring(math.fmod(1, 0)), tostring(math.fmod(1/0, 2)),"
                        + " tostring(math.fmod(2, 1/0))}"));
        String none = "return math.fmod()";
        assertEquals(error("bad argument #2 to 'fmod' (number expected, got no value)", none), eval(none));
        String nil = "return math.fmod(1, nil)";
        assertEquals(error("bad argument #2 to 'fmod' (number expected, got nil)", nil), eval(nil));
    }

    @Test
    void structPacksIntegersCastAsC() {
        assertEquals("*4\r\n$4\r\n\u0000\u0000\u0000\u0000\r\n$4\r\n\u0000\u0000\u0000\u0000\r\n"
                        + "$8\r\n\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\r\n$4\r\n\u00ff\u00ff\u00ff\u00ff\r\n",
                eval("return {struct.pack('>i', 1/0), struct.pack('>i', 0/0), struct.pack('>L', 2^64), struct.pack('<I', -1)}"));
    }

    @Test
    void stringSubCastsItsIndexesAsC() {
        assertEquals("*6\r\n$2\r\n 1\r\n$5\r\n12345\r\n$2\r\n45\r\n$2\r\nbc\r\n$2\r\nbc\r\n$0\r\n\r\n",
                eval("return {string.sub(' 1', 1e23), string.sub('12345', 1/0), string.sub('12345', -2),"
                        + " string.sub('abc', 2.7), string.sub('abc', '2'), string.sub('abc', 1, -1e30)}"));
        String missing = "return string.sub('x')";
        assertEquals(error("bad argument #2 to 'sub' (number expected, got no value)", missing), eval(missing));
    }

    @Test
    void divisionByZeroGivesTheHardwareNaN() {
        assertEquals("*5\r\n$4\r\n-nan\r\n$3\r\nnan\r\n$3\r\ninf\r\n$4\r\n-nan\r\n$1\r\n0\r\n",
                eval("local x = 0 return {tostring(x/x), tostring(-(0/0)), tostring(1/x), tostring(5 % 0),"
                        + " tostring(1e308 % 3)}"));
    }

    @Test
    void cmsgpackAsRedisBundlesIt() {
        assertEquals("$23\r\n\u00cb\u00ff\u00f8\u0000\u0000\u0000\u0000\u0000\u0000"
                        + "\u00cb\u007f\u00f8\u0000\u0000\u0000\u0000\u0000\u0000\u00ca\u007f\u0080\u0000\u0000\r\n",
                eval("return cmsgpack.pack(0/0, tonumber('nan'), 1/0)"));
        String bin = "return cmsgpack.unpack(ARGV[1])";
        assertEquals(error("Bad data format in input.", bin), eval(bin, "\u00c4\u0001a"));
    }

    @Test
    void stringCharTakesTheLow32BitsOfTheCastNumber() {
        assertEquals("$6\r\n\u0000B\u0000\u00ffAA\r\n",
                eval("return string.char(12345678901234567890, 66, 0, 255, 2^32 + 65, 65.9)"));
        String big = "return string.char(9223372036854775)";
        assertEquals(error("bad argument #1 to 'char' (invalid value)", big), eval(big));
        String nil = "return string.char(65, nil)";
        assertEquals(error("bad argument #2 to 'char' (number expected, got nil)", nil), eval(nil));
    }

    @Test
    void stringByteCastsItsPositionsAndChecksTheStackAsC() {
        assertEquals("*2\r\n:49\r\n:0\r\n", eval("return {string.byte('1\\0', 1/0, 3)}"));
        assertEquals("*2\r\n:45\r\n:49\r\n", eval("return {string.byte('-1', 1e23, 3)}"));
        assertEquals("*2\r\n:255\r\n:128\r\n", eval("return {string.byte('\\255\\128', 1, -1)}"));
        assertEquals(":7997\r\n", eval("return #{string.byte(string.rep('a', 7997), 1, -1)}"));
        String tooLong = "return #{string.byte(string.rep('a', 7998), 1, -1)}";
        assertEquals(error("stack overflow (string slice too long)", tooLong), eval(tooLong));
        assertEquals(":7999\r\n", eval("local t = {} for i = 1, 7999 do t[i] = i end return #{unpack(t)}"));
        String unpack = "local t = {} for i = 1, 7998 do t[i] = i end return #{unpack(t, 1, 7998)}";
        assertEquals(error("too many results to unpack", unpack), eval(unpack));
    }
}
