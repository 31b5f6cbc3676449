package io.cinnabar.server.script;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * Roberto Ierusalimschy's struct library (0.2) as Redis bundles it, for an x86-64 build (little endian). Ported
 * from lua_struct.c, Copyright (C) 2010-2018 Lua.org, PUC-Rio, MIT licence; see NOTICE.
 */
final class LuaStruct {
    private static final int MAX_INT_SIZE = 32;
    private static final int MAX_ALIGN = 8;

    private LuaStruct() {
    }

    /** Parse state of one format string. */
    private static final class Format {
        final byte[] f;
        final String function;
        int i;
        boolean little = true;
        int align = 1;

        Format(byte[] f, String function) {
            this.f = f;
            this.function = function;
        }

        boolean more() {
            return i < f.length;
        }

        int next() {
            return f[i++];
        }

        int number(int dflt) {
            if (i >= f.length || !Character.isDigit(f[i])) {
                return dflt;
            }
            long a = 0;
            while (i < f.length && Character.isDigit(f[i])) {
                a = a * 10 + (f[i++] - '0');
                if (a > Integer.MAX_VALUE) {
                    throw new LuaError("integral size overflow");
                }
            }
            return (int) a;
        }

        int size(int opt) {
            return switch (opt) {
                case 'B', 'b', 'x' -> 1;
                case 'H', 'h' -> 2;
                case 'L', 'l', 'T', 'd' -> 8;
                case 'f' -> 4;
                case 'c' -> number(1);
                case 'i', 'I' -> {
                    int sz = number(4);
                    if (sz > MAX_INT_SIZE) {
                        throw new LuaError("integral size " + sz + " is larger than limit of " + MAX_INT_SIZE);
                    }
                    yield sz;
                }
                default -> 0;
            };
        }

        int toAlign(long len, int opt, int size) {
            if (size == 0 || opt == 'c') {
                return 0;
            }
            int s = Math.min(size, align);
            return (int) ((s - (len & (s - 1))) & (s - 1));
        }

        void control(int opt) {
            switch (opt) {
                case ' ' -> {
                }
                case '>' -> little = false;
                case '<', '=' -> little = true;
                case '!' -> {
                    int a = number(MAX_ALIGN);
                    if (a <= 0 || (a & (a - 1)) != 0) {
                        throw new LuaError("alignment " + a + " is not a power of 2");
                    }
                    align = a;
                }
                default -> throw new LuaError("bad argument #1 to '" + function + "' (invalid format option '"
                        + (char) opt + "')");
            }
        }
    }

    static LuaTable table() {
        LuaTable t = new LuaTable();
        t.rawset("pack", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                return pack(args);
            }
        });
        t.rawset("unpack", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                return unpack(args);
            }
        });
        t.rawset("size", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                return size(args);
            }
        });
        return t;
    }

    private static Varargs pack(Varargs args) {
        Format fmt = new Format(RedisLibrary.bytesOf(args.checkstring(1)), "pack");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int arg = 2;
        long total = 0;
        while (fmt.more()) {
            int opt = fmt.next();
            int size = fmt.size(opt);
            int pad = fmt.toAlign(total, opt, size);
            total += pad;
            for (int p = 0; p < pad; p++) {
                out.write(0);
            }
            switch (opt) {
                case 'b', 'B', 'h', 'H', 'l', 'L', 'T', 'i', 'I' -> {
                    double n = args.checkdouble(arg++);
                    // (Uinttype)(Inttype)n or (Uinttype)n, cast as x86-64 C does (inf gives 0, NaN 2^63)
                    long value = n < 0 ? LuaReplies.toLongLikeC(n) : LuaFormat.toUnsignedLongLikeC(n);
                    byte[] b = new byte[size];
                    for (int k = 0; k < size; k++) {
                        int index = fmt.little ? k : size - 1 - k;
                        b[index] = (byte) (k < 8 ? value >>> (8 * k) : 0);
                    }
                    out.writeBytes(b);
                }
                case 'x' -> out.write(0);
                case 'f' -> out.writeBytes(ByteBuffer.allocate(4).order(order(fmt)).putFloat((float) args.checkdouble(arg++)).array());
                case 'd' -> out.writeBytes(ByteBuffer.allocate(8).order(order(fmt)).putDouble(args.checkdouble(arg++)).array());
                case 'c', 's' -> {
                    LuaString s = args.checkstring(arg++);
                    if (size == 0) {
                        size = s.m_length;
                    }
                    if (s.m_length < size) {
                        throw new LuaError("bad argument #" + arg + " to 'pack' (string too short)");
                    }
                    out.write(s.m_bytes, s.m_offset, size);
                    if (opt == 's') {
                        out.write(0);
                        size++;
                    }
                }
                default -> fmt.control(opt);
            }
            total += size;
        }
        return LuaString.valueUsing(out.toByteArray());
    }

    private static ByteOrder order(Format fmt) {
        return fmt.little ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
    }

    private static Varargs unpack(Varargs args) {
        Format fmt = new Format(RedisLibrary.bytesOf(args.checkstring(1)), "unpack");
        byte[] data = RedisLibrary.bytesOf(args.checkstring(2));
        long pos = args.optlong(3, 1) - 1;
        List<LuaValue> out = new ArrayList<>();
        while (fmt.more()) {
            int opt = fmt.next();
            int size = fmt.size(opt);
            pos += fmt.toAlign(pos, opt, size);
            if (pos + size > data.length || pos < 0) {
                throw new LuaError("bad argument #2 to 'unpack' (data string too short)");
            }
            switch (opt) {
                case 'b', 'B', 'h', 'H', 'l', 'L', 'T', 'i', 'I' -> {
                    long l = 0;
                    for (int k = 0; k < size; k++) {
                        int index = fmt.little ? size - 1 - k : k;
                        l = (l << 8) | (data[(int) pos + index] & 0xff);
                    }
                    boolean signed = Character.isLowerCase(opt);
                    double v;
                    if (signed && size < 8) {
                        long mask = -1L << (size * 8 - 1);
                        if ((l & mask) != 0) {
                            l |= mask;
                        }
                        v = l;
                    } else if (signed) {
                        v = l;
                    } else {
                        v = l >= 0 ? (double) l : (double) (l >>> 1) * 2.0 + (l & 1);
                    }
                    out.add(LuaValue.valueOf(v));
                }
                case 'x' -> {
                }
                case 'f' -> out.add(LuaValue.valueOf(ByteBuffer.wrap(data, (int) pos, 4).order(order(fmt)).getFloat()));
                case 'd' -> out.add(LuaValue.valueOf(ByteBuffer.wrap(data, (int) pos, 8).order(order(fmt)).getDouble()));
                case 'c' -> {
                    if (size == 0) {
                        if (out.isEmpty() || out.get(out.size() - 1).type() != LuaValue.TNUMBER) {
                            throw new LuaError("format 'c0' needs a previous size");
                        }
                        size = out.remove(out.size() - 1).toint();
                        if (size > data.length || pos > data.length - size) {
                            throw new LuaError("bad argument #2 to 'unpack' (data string too short)");
                        }
                    }
                    out.add(LuaString.valueUsing(java.util.Arrays.copyOfRange(data, (int) pos, (int) pos + size)));
                }
                case 's' -> {
                    int end = (int) pos;
                    while (end < data.length && data[end] != 0) {
                        end++;
                    }
                    if (end >= data.length) {
                        throw new LuaError("unfinished string in data");
                    }
                    size = end - (int) pos + 1;
                    out.add(LuaString.valueUsing(java.util.Arrays.copyOfRange(data, (int) pos, end)));
                }
                default -> fmt.control(opt);
            }
            pos += size;
        }
        out.add(LuaValue.valueOf((double) (pos + 1)));
        return LuaValue.varargsOf(out.toArray(new LuaValue[0]));
    }

    private static Varargs size(Varargs args) {
        Format fmt = new Format(RedisLibrary.bytesOf(args.checkstring(1)), "size");
        long pos = 0;
        while (fmt.more()) {
            int opt = fmt.next();
            int size = fmt.size(opt);
            pos += fmt.toAlign(pos, opt, size);
            if (opt == 's') {
                throw new LuaError("bad argument #1 to 'size' (option 's' has no fixed size)");
            } else if (opt == 'c' && size == 0) {
                throw new LuaError("bad argument #1 to 'size' (option 'c0' has no fixed size)");
            }
            if (!Character.isLetterOrDigit(opt)) {
                fmt.control(opt);
            }
            pos += size;
        }
        return LuaValue.valueOf((double) pos);
    }
}
