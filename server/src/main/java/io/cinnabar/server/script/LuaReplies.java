package io.cinnabar.server.script;

import io.cinnabar.protocol.bytes.DoubleFormat;
import io.cinnabar.protocol.reply.ReplyWriter;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/** Conversions between Redis replies and Lua values, both ways, as script_lua.c does them. */
final class LuaReplies {
    static final LuaString ERR = LuaString.valueOf("err");
    static final LuaString OK = LuaString.valueOf("ok");
    private static final LuaString DOUBLE = LuaString.valueOf("double");
    private static final LuaString MAP = LuaString.valueOf("map");
    private static final LuaString SET = LuaString.valueOf("set");
    private static final LuaString BIG_NUMBER = LuaString.valueOf("big_number");
    private static final LuaString VERBATIM = LuaString.valueOf("verbatim_string");
    private static final LuaString FORMAT = LuaString.valueOf("format");
    private static final LuaString STRING = LuaString.valueOf("string");

    private LuaReplies() {
    }

    /** A table {err=msg}, the error form scripts see and return. */
    static LuaTable errorTable(String message) {
        LuaTable t = new LuaTable();
        t.rawset(ERR, LuaValue.valueOf(message));
        return t;
    }

    /** A table {err=msg} from the message's bytes. */
    static LuaTable errorTable(byte[] message) {
        LuaTable t = new LuaTable();
        t.rawset(ERR, LuaString.valueUsing(message));
        return t;
    }

    /** The bytes of a Lua string as C code reading it with lua_tostring sees them: up to the first NUL. */
    static byte[] cBytes(LuaValue v) {
        LuaString s = v.checkstring();
        int n = 0;
        while (n < s.m_length && s.m_bytes[s.m_offset + n] != 0) {
            n++;
        }
        return java.util.Arrays.copyOfRange(s.m_bytes, s.m_offset, s.m_offset + n);
    }

    private static boolean isLineBreak(byte b) {
        return b == '\r' || b == '\n';
    }

    /** sdstrim(s, "\r\n"): line breaks removed from both ends ({@code leading}) or from the end only. */
    static byte[] trimLineBreaks(byte[] s, boolean leading) {
        int from = 0;
        int to = s.length;
        while (leading && from < to && isLineBreak(s[from])) {
            from++;
        }
        while (to > from && isLineBreak(s[to - 1])) {
            to--;
        }
        return from == 0 && to == s.length ? s : java.util.Arrays.copyOfRange(s, from, to);
    }

    /** sdsmapchars(s, "\r\n", "  "): line breaks become spaces, so a status line stays one line. */
    static byte[] lineBreaksToSpaces(byte[] s) {
        byte[] out = s.clone();
        for (int i = 0; i < out.length; i++) {
            if (isLineBreak(out[i])) {
                out[i] = ' ';
            }
        }
        return out;
    }

    /**
     * redis.error_reply's text (its argument as C reads it, to the first NUL, with a '-' put first if missing) as
     * luaPushErrorBuff splits it: "-CODE msg" keeps its code, a text without a space gets ERR; the message loses
     * line breaks at both ends. So "x" is "ERR x", "MY x" is "MY x".
     */
    static byte[] errorReplyText(byte[] arg) {
        int start = arg.length > 0 && arg[0] == '-' ? 1 : 0;
        int space = -1;
        for (int i = start; i < arg.length; i++) {
            if (arg[i] == ' ') {
                space = i;
                break;
            }
        }
        byte[] code = space < 0 ? ERR_CODE : java.util.Arrays.copyOfRange(arg, start, space);
        byte[] msg = trimLineBreaks(java.util.Arrays.copyOfRange(arg, space < 0 ? start : space + 1, arg.length), true);
        byte[] out = new byte[code.length + 1 + msg.length];
        System.arraycopy(code, 0, out, 0, code.length);
        out[code.length] = ' ';
        System.arraycopy(msg, 0, out, code.length + 1, msg.length);
        return out;
    }

    private static final byte[] ERR_CODE = {'E', 'R', 'R'};

    // ---- reply -> Lua ----

    /** Parses the one reply in {@code buf} (written by a command for the script's client) into a Lua value. */
    static LuaValue toLua(ByteBuf buf) {
        return new Parser(buf).value();
    }

    private static final class Parser {
        final ByteBuf buf;

        Parser(ByteBuf buf) {
            this.buf = buf;
        }

        String line() {
            int end = buf.indexOf(buf.readerIndex(), buf.writerIndex(), (byte) '\r');
            String s = buf.toString(buf.readerIndex(), end - buf.readerIndex(), StandardCharsets.UTF_8);
            buf.readerIndex(end + 2);
            return s;
        }

        LuaString lineBytes() {
            int end = buf.indexOf(buf.readerIndex(), buf.writerIndex(), (byte) '\r');
            byte[] b = new byte[end - buf.readerIndex()];
            buf.readBytes(b);
            buf.skipBytes(2);
            return LuaString.valueUsing(b);
        }

        LuaValue value() {
            byte type = buf.readByte();
            switch (type) {
                case '+': {
                    LuaTable t = new LuaTable();
                    t.rawset(OK, lineBytes());
                    return t;
                }
                case '-': {
                    LuaTable t = new LuaTable();
                    t.rawset(ERR, lineBytes());
                    return t;
                }
                case ':':
                    return LuaValue.valueOf((double) Long.parseLong(line()));
                case '$': {
                    int n = Integer.parseInt(line());
                    if (n < 0) {
                        return LuaValue.FALSE;
                    }
                    byte[] b = new byte[n];
                    buf.readBytes(b);
                    buf.skipBytes(2);
                    return LuaString.valueUsing(b);
                }
                case '*': {
                    int n = Integer.parseInt(line());
                    if (n < 0) {
                        return LuaValue.FALSE;
                    }
                    LuaTable t = new LuaTable(n, 0);
                    for (int i = 1; i <= n; i++) {
                        t.rawset(i, value());
                    }
                    return t;
                }
                case '_':
                    line();
                    return LuaValue.NIL;
                case '#':
                    return line().equals("t") ? LuaValue.TRUE : LuaValue.FALSE;
                case ',': {
                    LuaTable t = new LuaTable();
                    String d = line();
                    t.rawset(DOUBLE, LuaValue.valueOf(parseDouble(d)));
                    return t;
                }
                case '(': {
                    LuaTable t = new LuaTable();
                    t.rawset(BIG_NUMBER, lineBytes());
                    return t;
                }
                case '=': {
                    int n = Integer.parseInt(line());
                    byte[] b = new byte[n];
                    buf.readBytes(b);
                    buf.skipBytes(2);
                    LuaTable v = new LuaTable();
                    v.rawset(FORMAT, LuaValue.valueOf(new String(b, 0, 3, StandardCharsets.US_ASCII)));
                    v.rawset(STRING, LuaString.valueUsing(java.util.Arrays.copyOfRange(b, 4, b.length)));
                    LuaTable t = new LuaTable();
                    t.rawset(VERBATIM, v);
                    return t;
                }
                case '%': {
                    int n = Integer.parseInt(line());
                    LuaTable map = new LuaTable();
                    for (int i = 0; i < n; i++) {
                        LuaValue k = value();
                        map.rawset(k, value());
                    }
                    LuaTable t = new LuaTable();
                    t.rawset(MAP, map);
                    return t;
                }
                case '~': {
                    int n = Integer.parseInt(line());
                    LuaTable set = new LuaTable();
                    for (int i = 0; i < n; i++) {
                        set.rawset(value(), LuaValue.TRUE);
                    }
                    LuaTable t = new LuaTable();
                    t.rawset(SET, set);
                    return t;
                }
                default:
                    throw new IllegalStateException("unexpected reply type " + (char) type);
            }
        }
    }

    private static double parseDouble(String d) {
        return switch (d) {
            case "inf" -> Double.POSITIVE_INFINITY;
            case "-inf" -> Double.NEGATIVE_INFINITY;
            case "nan" -> Double.NaN;
            default -> Double.parseDouble(d);
        };
    }

    // ---- Lua -> reply ----

    /**
     * luaReplyToRedisReply: {@code resp} is the script's own protocol (redis.setresp), which decides how booleans
     * are sent; the writer degrades RESP3 types for RESP2 callers.
     *
     * @return the error message when the value was an error table (the caller counts it), else null
     */
    static void write(ReplyWriter w, LuaValue v, int resp, ErrorSink errors, int stack) {
        if (stack + 4 > LuaBridge.MAX_C_STACK) {
            // lua_checkstack(lua, 4) fails: a table that contains itself ends here, the reply still well formed
            errors.error("ERR reached lua stack limit");
            return;
        }
        switch (v.type()) {
            case LuaValue.TSTRING -> {
                LuaString s = v.checkstring();
                w.bulk(s.m_bytes, s.m_offset, s.m_length);
            }
            case LuaValue.TBOOLEAN -> {
                if (resp == 2) {
                    if (v.toboolean()) {
                        w.integer(1);
                    } else {
                        w.nullBulk();
                    }
                } else {
                    w.bool(v.toboolean());
                }
            }
            case LuaValue.TNUMBER -> w.integer(toLongLikeC(v.todouble()));
            case LuaValue.TTABLE -> writeTable(w, (LuaTable) v, resp, errors, stack);
            default -> w.nullBulk();
        }
    }

    /** Something that records error replies (for error statistics) and writes them. */
    interface ErrorSink {
        void error(byte[] message);

        default void error(String message) {
            error(message.getBytes(StandardCharsets.UTF_8));
        }
    }

    /**
     * The table at {@code stack} slots of luaReplyToRedisReply's Lua stack: an array element is converted with one
     * more slot in use, a map key with four (map, key, value, the key's copy), a map value and a set member with
     * three, as Redis pushes them.
     */
    private static void writeTable(ReplyWriter w, LuaTable t, int resp, ErrorSink errors, int stack) {
        LuaValue err = t.rawget(ERR);
        if (err.type() == LuaValue.TSTRING) {
            // addReplyErrorFormatEx("-%s"): the C string, without trailing line breaks
            errors.error(trimLineBreaks(cBytes(err), false));
            return;
        }
        LuaValue ok = t.rawget(OK);
        if (ok.type() == LuaValue.TSTRING) {
            w.simple(lineBreaksToSpaces(cBytes(ok)));
            return;
        }
        LuaValue dbl = t.rawget(DOUBLE);
        if (dbl.type() == LuaValue.TNUMBER) {
            w.doubleValue(dbl.todouble());
            return;
        }
        LuaValue big = t.rawget(BIG_NUMBER);
        if (big.type() == LuaValue.TSTRING) {
            w.bigNumber(lineBreaksToSpaces(RedisLibrary.bytesOf(big.checkstring())));
            return;
        }
        LuaValue verbatim = t.rawget(VERBATIM);
        if (verbatim.type() == LuaValue.TTABLE) {
            LuaValue format = verbatim.rawget(FORMAT);
            LuaValue string = verbatim.rawget(STRING);
            if (format.type() == LuaValue.TSTRING && string.type() == LuaValue.TSTRING
                    && format.checkstring().m_length == 3) {
                LuaString s = string.checkstring();
                w.verbatim(format.tojstring(), RedisLibrary.bytesOf(s));
                return;
            }
        }
        LuaValue map = t.rawget(MAP);
        if (map.type() == LuaValue.TTABLE) {
            w.map(pairs(map));
            for (Varargs e = map.next(LuaValue.NIL); !e.arg1().isnil(); e = map.next(e.arg1())) {
                write(w, e.arg1(), resp, errors, stack + 4);
                write(w, e.arg(2), resp, errors, stack + 3);
            }
            return;
        }
        LuaValue set = t.rawget(SET);
        if (set.type() == LuaValue.TTABLE) {
            w.set(pairs(set));
            for (Varargs e = set.next(LuaValue.NIL); !e.arg1().isnil(); e = set.next(e.arg1())) {
                write(w, e.arg1(), resp, errors, stack + 3);
            }
            return;
        }
        int n = 0;
        while (!t.rawget(n + 1).isnil()) {
            n++;
        }
        w.array(n);
        for (int i = 1; i <= n; i++) {
            write(w, t.rawget(i), resp, errors, stack + 1);
        }
    }

    /** Number of key/value pairs of a table (maps and sets are sent with their size first). */
    private static int pairs(LuaValue table) {
        int n = 0;
        for (Varargs e = table.next(LuaValue.NIL); !e.arg1().isnil(); e = table.next(e.arg1())) {
            n++;
        }
        return n;
    }

    /** C's (long long) cast of a double as x86-64 does it: out-of-range and NaN become LLONG_MIN. */
    static long toLongLikeC(double d) {
        if (Double.isNaN(d) || d >= 9.223372036854775807E18 || d < -9.223372036854775808E18) {
            return Long.MIN_VALUE;
        }
        return (long) d;
    }

    /** %.17g, as redis.call formats number arguments. */
    static byte[] numberArgument(double d) {
        return DoubleFormat.formatG(d, 17).getBytes(StandardCharsets.US_ASCII);
    }
}
