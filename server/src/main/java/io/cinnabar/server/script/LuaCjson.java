package io.cinnabar.server.script;

import io.cinnabar.protocol.bytes.DoubleFormat;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * lua-cjson 2.1.0 as bundled with Redis: encode and decode with its defaults, texts and corner cases. Ported from
 * lua-cjson (lua_cjson.c, strbuf.c), Copyright (c) 2010-2012 Mark Pulford, MIT licence; see NOTICE.
 */
final class LuaCjson {
    /** cjson.null: a light userdata that encodes as null. */
    static final LuaValue NULL = LuaValue.userdataOf(new Object() {
        @Override
        public String toString() {
            return "null";
        }
    });
    private static final String[] BOOL_OPTIONS = {"off", "on"};
    private static final String[] INVALID_NUMBER_OPTIONS = {"off", "on", "null"};

    // json_config_t, with lua-cjson's defaults; kept by the module table's functions, so a setting lasts as long
    // as the Lua VM (SCRIPT FLUSH starts a new one)
    private int sparseConvert;
    private int sparseRatio = 2;
    private int sparseSafe = 10;
    private int encodeMaxDepth = 1000;
    private int decodeMaxDepth = 1000;
    /** 0 off, 1 on, 2 null. */
    private int encodeInvalidNumbers;
    private int decodeInvalidNumbers = 1;
    private int encodeKeepBuffer = 1;
    private int encodeNumberPrecision = 14;

    private LuaCjson() {
    }

    /** A cjson module with its own settings (the sandbox's, or cjson.new()'s). */
    static LuaTable table() {
        return new LuaCjson().module();
    }

    private LuaTable module() {
        LuaTable t = new LuaTable();
        t.rawset("encode", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                if (args.narg() != 1) {
                    throw new LuaError("bad argument #1 to 'encode' (expected 1 argument)");
                }
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                encode(out, args.arg1(), 0, 1);
                return LuaString.valueUsing(out.toByteArray());
            }
        });
        t.rawset("decode", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                if (args.narg() != 1) {
                    throw new LuaError("bad argument #1 to 'decode' (expected 1 argument)");
                }
                byte[] text = LuaBridge.stringArgument(args, 1, "decode");
                return new Decoder(text, decodeMaxDepth, decodeInvalidNumbers != 0).decodeDocument();
            }
        });
        t.rawset("encode_sparse_array", new Option("encode_sparse_array", 3) {
            @Override
            Varargs apply(Varargs args) {
                sparseConvert = enumOption(args, 1, sparseConvert, null);
                sparseRatio = integerOption(args, 2, sparseRatio, 0, Integer.MAX_VALUE);
                sparseSafe = integerOption(args, 3, sparseSafe, 0, Integer.MAX_VALUE);
                return LuaValue.varargsOf(enumValue(sparseConvert, null), LuaValue.valueOf(sparseRatio),
                        LuaValue.valueOf(sparseSafe));
            }
        });
        t.rawset("encode_max_depth", new Option("encode_max_depth", 1) {
            @Override
            Varargs apply(Varargs args) {
                encodeMaxDepth = integerOption(args, 1, encodeMaxDepth, 1, Integer.MAX_VALUE);
                return LuaValue.valueOf(encodeMaxDepth);
            }
        });
        t.rawset("decode_max_depth", new Option("decode_max_depth", 1) {
            @Override
            Varargs apply(Varargs args) {
                decodeMaxDepth = integerOption(args, 1, decodeMaxDepth, 1, Integer.MAX_VALUE);
                return LuaValue.valueOf(decodeMaxDepth);
            }
        });
        t.rawset("encode_number_precision", new Option("encode_number_precision", 1) {
            @Override
            Varargs apply(Varargs args) {
                encodeNumberPrecision = integerOption(args, 1, encodeNumberPrecision, 1, 14);
                return LuaValue.valueOf(encodeNumberPrecision);
            }
        });
        t.rawset("encode_keep_buffer", new Option("encode_keep_buffer", 1) {
            @Override
            Varargs apply(Varargs args) {
                // only whether lua-cjson reuses its buffer between calls: nothing a script can observe
                encodeKeepBuffer = enumOption(args, 1, encodeKeepBuffer, null);
                return enumValue(encodeKeepBuffer, null);
            }
        });
        t.rawset("encode_invalid_numbers", new Option("encode_invalid_numbers", 1) {
            @Override
            Varargs apply(Varargs args) {
                encodeInvalidNumbers = enumOption(args, 1, encodeInvalidNumbers, INVALID_NUMBER_OPTIONS);
                return enumValue(encodeInvalidNumbers, INVALID_NUMBER_OPTIONS);
            }
        });
        t.rawset("decode_invalid_numbers", new Option("decode_invalid_numbers", 1) {
            @Override
            Varargs apply(Varargs args) {
                decodeInvalidNumbers = enumOption(args, 1, decodeInvalidNumbers, null);
                return enumValue(decodeInvalidNumbers, null);
            }
        });
        t.rawset("new", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                return table();
            }
        });
        t.rawset("null", NULL);
        t.rawset("_NAME", LuaValue.valueOf("cjson"));
        t.rawset("_VERSION", LuaValue.valueOf("2.1.0"));
        return t;
    }

    /** A configuration function: json_arg_init's check of the argument count, then the option itself. */
    private abstract static class Option extends VarArgFunction {
        final String name;
        private final int maxArgs;

        Option(String name, int maxArgs) {
            this.name = name;
            this.maxArgs = maxArgs;
        }

        @Override
        public Varargs invoke(Varargs args) {
            if (args.narg() > maxArgs) {
                throw new LuaError("bad argument #" + (maxArgs + 1) + " to '" + name + "' (found too many arguments)");
            }
            return apply(args);
        }

        abstract Varargs apply(Varargs args);

        /**
         * json_integer_option: a given value must be an integer in [min, max] (the range error always names
         * argument #1, as lua-cjson's luaL_argcheck does).
         */
        int integerOption(Varargs args, int n, int current, int min, int max) {
            if (args.arg(n).isnil()) {
                return current;
            }
            int value = (int) LuaBridge.integerArgument(args, n, name, null);
            if (value < min || value > max) {
                throw new LuaError("bad argument #1 to '" + name + "' (expected integer between " + min + " and "
                        + max + ")");
            }
            return value;
        }

        /** json_enum_option: a boolean (for on/off options) or one of the option names. */
        int enumOption(Varargs args, int n, int current, String[] options) {
            LuaValue v = args.arg(n);
            if (v.isnil()) {
                return current;
            }
            if (v.type() == LuaValue.TBOOLEAN) {
                return v.toboolean() ? 1 : 0;
            }
            String[] names = options == null ? BOOL_OPTIONS : options;
            String given = new String(LuaBridge.stringArgument(args, n, name), StandardCharsets.ISO_8859_1);
            for (int i = 0; i < names.length; i++) {
                if (names[i].equals(given)) {
                    return i;
                }
            }
            throw new LuaError("bad argument #" + n + " to '" + name + "' (invalid option '" + given + "')");
        }

        /** What json_enum_option returns: false/true for off/on, otherwise the option's name. */
        static LuaValue enumValue(int setting, String[] options) {
            if (setting == 0 || setting == 1) {
                return LuaValue.valueOf(setting == 1);
            }
            return LuaValue.valueOf(options[setting]);
        }
    }

    private static LuaError cannot(String type, String reason) {
        return new LuaError("Cannot serialise " + type + ": " + reason);
    }

    /** json_append_data; {@code stack}: Lua stack slots in use, for lua_checkstack's limit on nesting. */
    private void encode(ByteArrayOutputStream out, LuaValue v, int depth, int stack) {
        switch (v.type()) {
            case LuaValue.TSTRING -> string(out, v.checkstring());
            case LuaValue.TNUMBER -> number(out, v.todouble());
            case LuaValue.TBOOLEAN -> out.writeBytes((v.toboolean() ? "true" : "false").getBytes(StandardCharsets.US_ASCII));
            case LuaValue.TNIL -> out.writeBytes("null".getBytes(StandardCharsets.US_ASCII));
            case LuaValue.TTABLE -> table(out, (LuaTable) v, depth + 1, stack);
            default -> {
                if (v == NULL) {
                    out.writeBytes("null".getBytes(StandardCharsets.US_ASCII));
                } else {
                    throw cannot(v.typename(), "type not supported");
                }
            }
        }
    }

    /** json_append_number: invalid numbers per encode_invalid_numbers, the rest with %.{precision}g. */
    private void number(ByteArrayOutputStream out, double d) {
        if (encodeInvalidNumbers == 0) {
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                throw cannot("number", "must not be NaN or Inf");
            }
        } else if (encodeInvalidNumbers == 1) {
            if (Double.isNaN(d)) {
                out.writeBytes("nan".getBytes(StandardCharsets.US_ASCII));
                return;
            }
        } else if (Double.isNaN(d) || Double.isInfinite(d)) {
            out.writeBytes("null".getBytes(StandardCharsets.US_ASCII));
            return;
        }
        String text = Double.isInfinite(d) ? (d > 0 ? "inf" : "-inf") : DoubleFormat.formatG(d, encodeNumberPrecision);
        out.writeBytes(text.getBytes(StandardCharsets.US_ASCII));
    }

    private static void string(ByteArrayOutputStream out, LuaString s) {
        out.write('"');
        for (int i = 0; i < s.m_length; i++) {
            int c = s.m_bytes[s.m_offset + i] & 0xff;
            switch (c) {
                case '"' -> out.writeBytes(new byte[] {'\\', '"'});
                case '\\' -> out.writeBytes(new byte[] {'\\', '\\'});
                case '/' -> out.writeBytes(new byte[] {'\\', '/'});
                case '\b' -> out.writeBytes(new byte[] {'\\', 'b'});
                case '\f' -> out.writeBytes(new byte[] {'\\', 'f'});
                case '\n' -> out.writeBytes(new byte[] {'\\', 'n'});
                case '\r' -> out.writeBytes(new byte[] {'\\', 'r'});
                case '\t' -> out.writeBytes(new byte[] {'\\', 't'});
                default -> {
                    if (c < 32 || c == 127) {
                        out.writeBytes(String.format("\\u%04x", c).getBytes(StandardCharsets.US_ASCII));
                    } else {
                        out.write(c);
                    }
                }
            }
        }
        out.write('"');
    }

    /**
     * lua_array_length: the array length, or -1 for an object; an excessively sparse array is an error, or an
     * object when encode_sparse_array's convert is on.
     */
    private int arrayLength(LuaTable t) {
        int max = 0; // an int, as in lua-cjson: a key past its range (inf, 1e10) wraps to INT_MIN, an object
        int items = 0;
        for (Varargs e = t.next(LuaValue.NIL); !e.arg1().isnil(); e = t.next(e.arg1())) {
            LuaValue k = e.arg1();
            if (k.type() == LuaValue.TNUMBER) {
                double d = k.todouble();
                if (d != 0 && Math.floor(d) == d && d >= 1) {
                    if (d > max) {
                        max = d < 2147483648.0 ? (int) d : Integer.MIN_VALUE; // x86's cvttsd2si
                    }
                    items++;
                    continue;
                }
            }
            return -1;
        }
        int length = max;
        if (sparseRatio > 0 && length > items * sparseRatio && length > sparseSafe) {
            if (sparseConvert == 0) {
                throw cannot("table", "excessively sparse array");
            }
            return -1;
        }
        return length;
    }

    private void table(ByteArrayOutputStream out, LuaTable t, int depth, int stack) {
        // json_check_encode_depth: the configured depth, and room for key, value and an error message
        if (depth > encodeMaxDepth || stack + 3 > LuaBridge.MAX_C_STACK) {
            throw new LuaError("Cannot serialise, excessive nesting (" + depth + ")");
        }
        int length = arrayLength(t);
        if (length > 0) {
            out.write('[');
            for (int i = 1; i <= length; i++) {
                if (i > 1) {
                    out.write(',');
                }
                encode(out, t.rawget(i), depth, stack + 1);
            }
            out.write(']');
            return;
        }
        out.write('{');
        boolean first = true;
        for (Varargs e = t.next(LuaValue.NIL); !e.arg1().isnil(); e = t.next(e.arg1())) {
            if (!first) {
                out.write(',');
            }
            first = false;
            LuaValue k = e.arg1();
            if (k.type() == LuaValue.TNUMBER) {
                out.write('"');
                number(out, k.todouble());
                out.writeBytes("\":".getBytes(StandardCharsets.US_ASCII));
            } else if (k.type() == LuaValue.TSTRING) {
                string(out, k.checkstring());
                out.write(':');
            } else {
                throw cannot("table", "table key must be a number or string");
            }
            encode(out, e.arg(2), depth, stack + 2);
        }
        out.write('}');
    }

    /** A recursive-descent JSON reader with lua-cjson's error texts (positions count from 1). */
    private static final class Decoder {
        private final byte[] s;
        private final int maxDepth;
        private final boolean invalidNumbers;
        private int pos;
        private int depth;
        /** Lua stack slots in use: the string argument, then each open table (and an object's pending key). */
        private int stack = 1;

        Decoder(byte[] s, int maxDepth, boolean invalidNumbers) {
            this.s = s;
            this.maxDepth = maxDepth;
            this.invalidNumbers = invalidNumbers;
        }

        LuaValue decodeDocument() {
            // json_decode: a NUL among the first two bytes means UTF-16 or UTF-32 text
            if (s.length >= 2 && (s[0] == 0 || s[1] == 0)) {
                throw new LuaError("JSON parser does not support UTF-16 or UTF-32");
            }
            LuaValue v = value("value");
            skipSpace();
            if (pos < s.length) {
                throw error("the end", tokenName());
            }
            return v;
        }

        private LuaError error(String expected, String found) {
            return new LuaError("Expected " + expected + " but found " + found + " at character " + (pos + 1));
        }

        private String tokenName() {
            if (pos >= s.length) {
                return "T_END";
            }
            return switch (s[pos]) {
                case '{' -> "T_OBJ_BEGIN";
                case '}' -> "T_OBJ_END";
                case '[' -> "T_ARR_BEGIN";
                case ']' -> "T_ARR_END";
                case ':' -> "T_COLON";
                case ',' -> "T_COMMA";
                case '"' -> "T_STRING";
                default -> {
                    // json_next_token's order: numbers, literals, then the "invalid numbers" strtod accepts
                    byte c = s[pos];
                    boolean numeric = c == '-' || (c >= '0' && c <= '9');
                    if (numeric && !invalidNumbers && invalidNumber()) {
                        yield "invalid number";
                    }
                    if (!numeric && (startsWith("true") || startsWith("false"))) {
                        yield "T_BOOLEAN";
                    }
                    if (!numeric && startsWith("null")) {
                        yield "T_NULL";
                    }
                    if (numeric || (invalidNumbers && invalidNumber())) {
                        int[] end = new int[1];
                        LuaToNumber.strtod(java.util.Arrays.copyOfRange(s, pos, s.length), end);
                        yield end[0] > 0 ? "T_NUMBER" : "invalid number";
                    }
                    yield "invalid token";
                }
            };
        }

        private void skipSpace() {
            while (pos < s.length && (s[pos] == ' ' || s[pos] == '\t' || s[pos] == '\n' || s[pos] == '\r')) {
                pos++;
            }
        }

        private LuaValue value(String expected) {
            skipSpace();
            if (pos >= s.length) {
                throw error(expected, "T_END");
            }
            byte c = s[pos];
            switch (c) {
                case '{':
                    return object();
                case '[':
                    return array();
                case '"':
                    return string();
                default:
                    // json_next_token: numbers, then the literals, then (decode_invalid_numbers, on by default)
                    // what json_is_invalid_number flags (a leading '+', inf, nan), all read by strtod
                    if (c == '-' || (c >= '0' && c <= '9')) {
                        if (!invalidNumbers && invalidNumber()) {
                            throw error(expected, "invalid number");
                        }
                        return number(expected);
                    }
                    if (startsWith("true")) {
                        pos += 4;
                        return LuaValue.TRUE;
                    }
                    if (startsWith("false")) {
                        pos += 5;
                        return LuaValue.FALSE;
                    }
                    if (startsWith("null")) {
                        pos += 4;
                        return NULL;
                    }
                    if (invalidNumbers && invalidNumber()) {
                        return number(expected);
                    }
                    throw error(expected, c == '}' || c == ']' || c == ':' || c == ',' ? tokenName() : "invalid token");
            }
        }

        /** json_is_invalid_number: what JSON forbids but strtod reads (a '+', hex, leading zeros, inf, nan). */
        private boolean invalidNumber() {
            int p = pos;
            if (s[p] == '+') {
                return true;
            }
            if (s[p] == '-') {
                p++;
            }
            int ch = p < s.length ? s[p] & 0xff : 0;
            if (ch == '0') {
                int ch2 = p + 1 < s.length ? s[p + 1] & 0xff : 0;
                return (ch2 | 0x20) == 'x' || (ch2 >= '0' && ch2 <= '9');
            }
            if (ch <= '9') {
                return false;
            }
            int save = pos;
            pos = p;
            boolean special = startsWithIgnoreCase("inf") || startsWithIgnoreCase("nan");
            pos = save;
            return special;
        }

        private boolean startsWith(String word) {
            if (pos + word.length() > s.length) {
                return false;
            }
            for (int i = 0; i < word.length(); i++) {
                if (s[pos + i] != word.charAt(i)) {
                    return false;
                }
            }
            return true;
        }

        private boolean startsWithIgnoreCase(String word) {
            if (pos + word.length() > s.length) {
                return false;
            }
            for (int i = 0; i < word.length(); i++) {
                if (Character.toLowerCase((char) (s[pos + i] & 0xff)) != word.charAt(i)) {
                    return false;
                }
            }
            return true;
        }

        /** json_next_number_token: C's strtod from here; nothing read is an invalid number. */
        private LuaValue number(String expected) {
            int[] end = new int[1];
            double d = LuaToNumber.strtod(java.util.Arrays.copyOfRange(s, pos, s.length), end);
            if (end[0] <= 0) {
                throw error(expected, "invalid number");
            }
            pos += end[0];
            return LuaValue.valueOf(d);
        }

        private LuaValue string() {
            pos++;
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            while (true) {
                if (pos >= s.length) {
                    throw error("value", "unexpected end of string");
                }
                byte c = s[pos++];
                if (c == '"') {
                    break;
                }
                if (c != '\\') {
                    out.write(c);
                    continue;
                }
                if (pos >= s.length) {
                    throw error("value", "invalid escape code");
                }
                byte e = s[pos++];
                switch (e) {
                    case '"', '\\', '/' -> out.write(e);
                    case 'b' -> out.write('\b');
                    case 'f' -> out.write('\f');
                    case 'n' -> out.write('\n');
                    case 'r' -> out.write('\r');
                    case 't' -> out.write('\t');
                    case 'u' -> {
                        int cp = hex4();
                        if (cp >= 0xd800 && cp <= 0xdbff && pos + 1 < s.length && s[pos] == '\\' && s[pos + 1] == 'u') {
                            pos += 2;
                            int low = hex4();
                            cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
                        }
                        out.writeBytes(new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8));
                    }
                    default -> {
                        pos -= 2;
                        throw error("value", "invalid escape code");
                    }
                }
            }
            return LuaString.valueUsing(out.toByteArray());
        }

        private int hex4() {
            if (pos + 4 > s.length) {
                throw error("value", "invalid unicode escape code");
            }
            try {
                int v = Integer.parseInt(new String(s, pos, 4, StandardCharsets.US_ASCII), 16);
                pos += 4;
                return v;
            } catch (NumberFormatException e) {
                throw error("value", "invalid unicode escape code");
            }
        }

        /** json_decode_descend: the configured depth, and room on the Lua stack for {@code slots} values. */
        private void enter(int slots) {
            if (++depth > maxDepth || stack + slots > LuaBridge.MAX_C_STACK) {
                throw new LuaError("Found too many nested data structures (" + depth + ") at character " + (pos + 1));
            }
        }

        private LuaValue array() {
            enter(2);
            pos++;
            stack++;
            LuaTable t = new LuaTable();
            skipSpace();
            if (pos < s.length && s[pos] == ']') {
                pos++;
                depth--;
                stack--;
                return t;
            }
            int i = 1;
            while (true) {
                t.rawset(i++, value("value"));
                skipSpace();
                if (pos < s.length && s[pos] == ']') {
                    pos++;
                    depth--;
                    stack--;
                    return t;
                }
                if (pos >= s.length || s[pos] != ',') {
                    throw error("comma or array end", tokenName());
                }
                pos++;
            }
        }

        private LuaValue object() {
            enter(3);
            pos++;
            stack++;
            LuaTable t = new LuaTable();
            skipSpace();
            if (pos < s.length && s[pos] == '}') {
                pos++;
                depth--;
                stack--;
                return t;
            }
            while (true) {
                skipSpace();
                if (pos >= s.length || s[pos] != '"') {
                    throw error("object key string", tokenName());
                }
                LuaValue key = string();
                skipSpace();
                if (pos >= s.length || s[pos] != ':') {
                    throw error("colon", tokenName());
                }
                pos++;
                stack++;
                t.rawset(key, value("value"));
                stack--;
                skipSpace();
                if (pos < s.length && s[pos] == '}') {
                    pos++;
                    depth--;
                    stack--;
                    return t;
                }
                if (pos >= s.length || s[pos] != ',') {
                    throw error("comma or object end", tokenName());
                }
                pos++;
            }
        }
    }
}
