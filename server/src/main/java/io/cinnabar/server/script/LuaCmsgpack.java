package io.cinnabar.server.script;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * lua-cmsgpack 0.4.0 as Redis bundles it: MessagePack pack/unpack of Lua values. Ported from lua_cmsgpack.c,
 * Copyright (C) 2012 Salvatore Sanfilippo, MIT licence; see NOTICE.
 */
final class LuaCmsgpack {
    /** LUACMSGPACK_MAX_NESTING: deeper tables are packed as nil. */
    private static final int MAX_NESTING = 16;

    private LuaCmsgpack() {
    }

    static LuaTable table() {
        LuaTable t = new LuaTable();
        t.rawset("pack", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                int n = args.narg();
                if (n == 0) {
                    throw new LuaError("bad argument #0 to 'pack' (MessagePack pack needs input.)");
                }
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                for (int i = 1; i <= n; i++) {
                    encode(out, args.arg(i), 0);
                }
                return LuaString.valueUsing(out.toByteArray());
            }
        });
        t.rawset("unpack", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                Decoder d = new Decoder(RedisLibrary.bytesOf(args.checkstring(1)), 0);
                List<LuaValue> values = new ArrayList<>();
                while (d.pos < d.s.length) {
                    values.add(d.value());
                }
                return LuaValue.varargsOf(values.toArray(new LuaValue[0]));
            }
        });
        t.rawset("unpack_one", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                return limited(args.checkstring(1), 1, args.optint(2, 0));
            }
        });
        t.rawset("unpack_limit", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                return limited(args.checkstring(1), args.checkint(2), args.optint(3, 0));
            }
        });
        t.rawset("_NAME", LuaValue.valueOf("cmsgpack"));
        t.rawset("_VERSION", LuaValue.valueOf("lua-cmsgpack 0.4.0"));
        t.rawset("_COPYRIGHT", LuaValue.valueOf("Copyright (C) 2012, Salvatore Sanfilippo"));
        t.rawset("_DESCRIPTION", LuaValue.valueOf("MessagePack C implementation for Lua"));
        return t;
    }

    /** unpack_one / unpack_limit: the offset after the decoded values (-1 at the end), then the values. */
    private static Varargs limited(LuaString s, int limit, int offset) {
        byte[] bytes = RedisLibrary.bytesOf(s);
        if (offset < 0 || limit < 0) {
            throw new LuaError("Invalid request to unpack with offset of " + offset + " and limit of " + limit + ".");
        }
        if (offset > bytes.length) {
            throw new LuaError("Start offset " + offset + " greater than input length " + bytes.length + ".");
        }
        Decoder d = new Decoder(bytes, offset);
        List<LuaValue> values = new ArrayList<>();
        while (d.pos < bytes.length && (limit == 0 || values.size() < limit)) {
            values.add(d.value());
        }
        values.add(0, LuaValue.valueOf(d.pos < bytes.length ? d.pos : -1));
        return LuaValue.varargsOf(values.toArray(new LuaValue[0]));
    }

    private static void encode(ByteArrayOutputStream out, LuaValue v, int level) {
        switch (v.type()) {
            case LuaValue.TNIL -> out.write(0xc0);
            case LuaValue.TBOOLEAN -> out.write(v.toboolean() ? 0xc3 : 0xc2);
            case LuaValue.TNUMBER -> number(out, v.todouble());
            case LuaValue.TSTRING -> string(out, v.checkstring());
            case LuaValue.TTABLE -> {
                if (level == MAX_NESTING) {
                    out.write(0xc0);
                } else {
                    table(out, (LuaTable) v, level + 1);
                }
            }
            default -> out.write(0xc0);
        }
    }

    private static void number(ByteArrayOutputStream out, double n) {
        if (!Double.isInfinite(n) && n == Math.rint(n) && n >= -9.223372036854775808E18 && n < 9.223372036854775807E18) {
            integer(out, (long) n);
        } else if ((float) n == n) { // NaN is never equal to itself: mp_encode_double writes it as a double
            out.write(0xca);
            out.writeBytes(ByteBuffer.allocate(4).putFloat((float) n).array());
        } else {
            out.write(0xcb);
            out.writeBytes(ByteBuffer.allocate(8).putDouble(n).array());
        }
    }

    private static void integer(ByteArrayOutputStream out, long n) {
        if (n >= 0) {
            if (n <= 127) {
                out.write((int) n);
            } else if (n <= 0xff) {
                out.write(0xcc);
                out.write((int) n);
            } else if (n <= 0xffff) {
                out.write(0xcd);
                out.writeBytes(ByteBuffer.allocate(2).putShort((short) n).array());
            } else if (n <= 0xffffffffL) {
                out.write(0xce);
                out.writeBytes(ByteBuffer.allocate(4).putInt((int) n).array());
            } else {
                out.write(0xcf);
                out.writeBytes(ByteBuffer.allocate(8).putLong(n).array());
            }
        } else if (n >= -32) {
            out.write((int) (n & 0xff));
        } else if (n >= -128) {
            out.write(0xd0);
            out.write((int) (n & 0xff));
        } else if (n >= -32768) {
            out.write(0xd1);
            out.writeBytes(ByteBuffer.allocate(2).putShort((short) n).array());
        } else if (n >= Integer.MIN_VALUE) {
            out.write(0xd2);
            out.writeBytes(ByteBuffer.allocate(4).putInt((int) n).array());
        } else {
            out.write(0xd3);
            out.writeBytes(ByteBuffer.allocate(8).putLong(n).array());
        }
    }

    private static void string(ByteArrayOutputStream out, LuaString s) {
        int len = s.m_length;
        if (len < 32) {
            out.write(0xa0 | len);
        } else if (len <= 0xff) {
            out.write(0xd9);
            out.write(len);
        } else if (len <= 0xffff) {
            out.write(0xda);
            out.writeBytes(ByteBuffer.allocate(2).putShort((short) len).array());
        } else {
            out.write(0xdb);
            out.writeBytes(ByteBuffer.allocate(4).putInt(len).array());
        }
        out.write(s.m_bytes, s.m_offset, len);
    }

    private static void table(ByteArrayOutputStream out, LuaTable t, int level) {
        long count = 0;
        double max = 0;
        boolean array = true;
        for (Varargs e = t.next(LuaValue.NIL); !e.arg1().isnil(); e = t.next(e.arg1())) {
            LuaValue k = e.arg1();
            double d = k.type() == LuaValue.TNUMBER ? k.todouble() : 0;
            if (d <= 0 || d != Math.rint(d)) {
                array = false;
            }
            max = Math.max(max, d);
            count++;
        }
        if (array && max == count) {
            header(out, count, 0x90, 0xdc, 0xdd, 16);
            for (int i = 1; i <= count; i++) {
                encode(out, t.rawget(i), level);
            }
        } else {
            header(out, count, 0x80, 0xde, 0xdf, 16);
            for (Varargs e = t.next(LuaValue.NIL); !e.arg1().isnil(); e = t.next(e.arg1())) {
                encode(out, e.arg1(), level);
                encode(out, e.arg(2), level);
            }
        }
    }

    private static void header(ByteArrayOutputStream out, long n, int fix, int b16, int b32, int fixLimit) {
        if (n < fixLimit) {
            out.write((int) (fix | n));
        } else if (n <= 0xffff) {
            out.write(b16);
            out.writeBytes(ByteBuffer.allocate(2).putShort((short) n).array());
        } else {
            out.write(b32);
            out.writeBytes(ByteBuffer.allocate(4).putInt((int) n).array());
        }
    }

    private static final class Decoder {
        final byte[] s;
        int pos;

        Decoder(byte[] s, int pos) {
            this.s = s;
            this.pos = pos;
        }

        private ByteBuffer take(int n) {
            if (pos + n > s.length) {
                throw new LuaError("Missing bytes in input.");
            }
            ByteBuffer b = ByteBuffer.wrap(s, pos, n);
            pos += n;
            return b;
        }

        private int u8() {
            return take(1).get() & 0xff;
        }

        private LuaValue str(long len) {
            if (len < 0 || pos + len > s.length) {
                throw new LuaError("Missing bytes in input.");
            }
            byte[] b = java.util.Arrays.copyOfRange(s, pos, (int) (pos + len));
            pos += (int) len;
            return LuaString.valueUsing(b);
        }

        private LuaValue array(long n) {
            LuaTable t = new LuaTable();
            for (int i = 1; i <= n; i++) {
                t.rawset(i, value());
            }
            return t;
        }

        private LuaValue map(long n) {
            LuaTable t = new LuaTable();
            for (long i = 0; i < n; i++) {
                LuaValue k = value();
                LuaValue v = value();
                if (!k.isnil()) {
                    t.rawset(k, v);
                }
            }
            return t;
        }

        LuaValue value() {
            int c = u8();
            if (c <= 0x7f) {
                return LuaValue.valueOf(c);
            }
            if (c >= 0xe0) {
                return LuaValue.valueOf((byte) c);
            }
            if ((c & 0xe0) == 0xa0) {
                return str(c & 0x1f);
            }
            if ((c & 0xf0) == 0x90) {
                return array(c & 0x0f);
            }
            if ((c & 0xf0) == 0x80) {
                return map(c & 0x0f);
            }
            return switch (c) {
                case 0xc0 -> LuaValue.NIL;
                case 0xc2 -> LuaValue.FALSE;
                case 0xc3 -> LuaValue.TRUE;
                case 0xca -> LuaValue.valueOf(take(4).getFloat());
                case 0xcb -> LuaValue.valueOf(take(8).getDouble());
                case 0xcc -> LuaValue.valueOf(u8());
                case 0xcd -> LuaValue.valueOf(take(2).getShort() & 0xffff);
                case 0xce -> LuaValue.valueOf((double) (take(4).getInt() & 0xffffffffL));
                case 0xcf -> {
                    long v = take(8).getLong();
                    yield LuaValue.valueOf(v >= 0 ? (double) v : (double) (v >>> 1) * 2.0 + (v & 1));
                }
                case 0xd0 -> LuaValue.valueOf(take(1).get());
                case 0xd1 -> LuaValue.valueOf(take(2).getShort());
                case 0xd2 -> LuaValue.valueOf(take(4).getInt());
                case 0xd3 -> LuaValue.valueOf((double) take(8).getLong());
                // (no bin 8/16/32, 0xc4-0xc6: Redis's lua-cmsgpack calls them a bad data format)
                case 0xd9 -> str(u8());
                case 0xda -> str(take(2).getShort() & 0xffff);
                case 0xdb -> str(take(4).getInt() & 0xffffffffL);
                case 0xdc -> array(take(2).getShort() & 0xffff);
                case 0xdd -> array(take(4).getInt() & 0xffffffffL);
                case 0xde -> map(take(2).getShort() & 0xffff);
                case 0xdf -> map(take(4).getInt() & 0xffffffffL);
                default -> throw new LuaError("Bad data format in input.");
            };
        }
    }
}
