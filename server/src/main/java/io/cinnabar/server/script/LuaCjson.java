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
    private static final int MAX_DEPTH = 1000;
    private static final int SPARSE_RATIO = 2;
    private static final int SPARSE_SAFE = 10;

    private LuaCjson() {
    }

    static LuaTable table() {
        LuaTable t = new LuaTable();
        t.rawset("encode", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                if (args.narg() != 1) {
                    throw new LuaError("bad argument #1 to 'encode' (expected 1 argument)");
                }
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                encode(out, args.arg1(), 0);
                return LuaString.valueUsing(out.toByteArray());
            }
        });
        t.rawset("decode", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                if (args.narg() != 1) {
                    throw new LuaError("bad argument #1 to 'decode' (expected 1 argument)");
                }
                return new Decoder(RedisLibrary.bytesOf(args.arg1().checkstring())).decodeDocument();
            }
        });
        t.rawset("null", NULL);
        t.rawset("_NAME", LuaValue.valueOf("cjson"));
        t.rawset("_VERSION", LuaValue.valueOf("2.1.0"));
        return t;
    }

    private static LuaError cannot(String type, String reason) {
        return new LuaError("Cannot serialise " + type + ": " + reason);
    }

    private static void encode(ByteArrayOutputStream out, LuaValue v, int depth) {
        switch (v.type()) {
            case LuaValue.TSTRING -> string(out, v.checkstring());
            case LuaValue.TNUMBER -> number(out, v.todouble());
            case LuaValue.TBOOLEAN -> out.writeBytes((v.toboolean() ? "true" : "false").getBytes(StandardCharsets.US_ASCII));
            case LuaValue.TNIL -> out.writeBytes("null".getBytes(StandardCharsets.US_ASCII));
            case LuaValue.TTABLE -> table(out, (LuaTable) v, depth + 1);
            default -> {
                if (v == NULL) {
                    out.writeBytes("null".getBytes(StandardCharsets.US_ASCII));
                } else {
                    throw cannot(v.typename(), "type not supported");
                }
            }
        }
    }

    private static void number(ByteArrayOutputStream out, double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            throw cannot("number", "must not be NaN or Inf");
        }
        out.writeBytes(DoubleFormat.formatG(d, 14).getBytes(StandardCharsets.US_ASCII));
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

    /** lua_array_length: the array length, or -1 for an object; throws for excessively sparse arrays. */
    private static int arrayLength(LuaTable t) {
        double max = 0;
        int items = 0;
        for (Varargs e = t.next(LuaValue.NIL); !e.arg1().isnil(); e = t.next(e.arg1())) {
            LuaValue k = e.arg1();
            if (k.type() == LuaValue.TNUMBER) {
                double d = k.todouble();
                if (d != 0 && Math.floor(d) == d && d >= 1) {
                    max = Math.max(max, d);
                    items++;
                    continue;
                }
            }
            return -1;
        }
        if (max > (double) items * SPARSE_RATIO && max > SPARSE_SAFE) {
            throw cannot("table", "excessively sparse array");
        }
        return (int) max;
    }

    private static void table(ByteArrayOutputStream out, LuaTable t, int depth) {
        if (depth > MAX_DEPTH) {
            throw new LuaError("Cannot serialise, excessive nesting (" + depth + ")");
        }
        int length = arrayLength(t);
        if (length > 0) {
            out.write('[');
            for (int i = 1; i <= length; i++) {
                if (i > 1) {
                    out.write(',');
                }
                encode(out, t.rawget(i), depth);
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
            encode(out, e.arg(2), depth);
        }
        out.write('}');
    }

    /** A recursive-descent JSON reader with lua-cjson's error texts (positions count from 1). */
    private static final class Decoder {
        private final byte[] s;
        private int pos;
        private int depth;

        Decoder(byte[] s) {
            this.s = s;
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
                    if (!numeric && (startsWith("true") || startsWith("false"))) {
                        yield "T_BOOLEAN";
                    }
                    if (!numeric && startsWith("null")) {
                        yield "T_NULL";
                    }
                    if (numeric || c == '+' || startsWithIgnoreCase("inf") || startsWithIgnoreCase("nan")) {
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
                    if (c == '+' || startsWithIgnoreCase("inf") || startsWithIgnoreCase("nan")) {
                        return number(expected);
                    }
                    throw error(expected, c == '}' || c == ']' || c == ':' || c == ',' ? tokenName() : "invalid token");
            }
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

        private void enter() {
            if (++depth > MAX_DEPTH) {
                throw new LuaError("Found too many nested data structures (" + depth + ") at character " + (pos + 1));
            }
        }

        private LuaValue array() {
            enter();
            pos++;
            LuaTable t = new LuaTable();
            skipSpace();
            if (pos < s.length && s[pos] == ']') {
                pos++;
                depth--;
                return t;
            }
            int i = 1;
            while (true) {
                t.rawset(i++, value("value"));
                skipSpace();
                if (pos < s.length && s[pos] == ']') {
                    pos++;
                    depth--;
                    return t;
                }
                if (pos >= s.length || s[pos] != ',') {
                    throw error("comma or array end", tokenName());
                }
                pos++;
            }
        }

        private LuaValue object() {
            enter();
            pos++;
            LuaTable t = new LuaTable();
            skipSpace();
            if (pos < s.length && s[pos] == '}') {
                pos++;
                depth--;
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
                t.rawset(key, value("value"));
                skipSpace();
                if (pos < s.length && s[pos] == '}') {
                    pos++;
                    depth--;
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
