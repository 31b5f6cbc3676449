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

    /**
     * luaPushErrorBuff: "-CODE msg" keeps its code, a message without a code gets ERR; so "x" becomes "ERR x"
     * and "-MY x" becomes "MY x".
     */
    static String normalizeError(String text) {
        if (text.startsWith("-")) {
            String body = text.substring(1);
            int space = body.indexOf(' ');
            return space < 0 ? "ERR " + body : body;
        }
        return "ERR " + text;
    }

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
    static void write(ReplyWriter w, LuaValue v, int resp, ErrorSink errors) {
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
            case LuaValue.TTABLE -> writeTable(w, (LuaTable) v, resp, errors);
            default -> w.nullBulk();
        }
    }

    /** Something that records error replies (for error statistics) and writes them. */
    interface ErrorSink {
        void error(String message);
    }

    private static void writeTable(ReplyWriter w, LuaTable t, int resp, ErrorSink errors) {
        LuaValue err = t.rawget(ERR);
        if (err.type() == LuaValue.TSTRING) {
            errors.error(err.tojstring());
            return;
        }
        LuaValue ok = t.rawget(OK);
        if (ok.type() == LuaValue.TSTRING) {
            w.simple(ok.tojstring().replace('\r', ' ').replace('\n', ' '));
            return;
        }
        LuaValue dbl = t.rawget(DOUBLE);
        if (dbl.type() == LuaValue.TNUMBER) {
            w.doubleValue(dbl.todouble());
            return;
        }
        LuaValue big = t.rawget(BIG_NUMBER);
        if (big.type() == LuaValue.TSTRING) {
            w.bigNumber(big.tojstring().replace('\r', ' ').replace('\n', ' ').getBytes(StandardCharsets.UTF_8));
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
                write(w, e.arg1(), resp, errors);
                write(w, e.arg(2), resp, errors);
            }
            return;
        }
        LuaValue set = t.rawget(SET);
        if (set.type() == LuaValue.TTABLE) {
            w.set(pairs(set));
            for (Varargs e = set.next(LuaValue.NIL); !e.arg1().isnil(); e = set.next(e.arg1())) {
                write(w, e.arg1(), resp, errors);
            }
            return;
        }
        int n = 0;
        while (!t.rawget(n + 1).isnil()) {
            n++;
        }
        w.array(n);
        for (int i = 1; i <= n; i++) {
            write(w, t.rawget(i), resp, errors);
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
