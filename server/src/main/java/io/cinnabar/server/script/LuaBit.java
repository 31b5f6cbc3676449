package io.cinnabar.server.script;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * LuaBitOp 1.0 ({@code bit}): 32-bit operations whose results are signed, as Redis bundles it. Ported from
 * bit.c, Copyright (C) 2008-2012 Mike Pall, MIT licence; see NOTICE.
 */
final class LuaBit {
    private LuaBit() {
    }

    /** barg: the number rounded and wrapped to 32 bits by the 2^52+2^51 addition trick. */
    static int bitArg(Varargs args, int i) {
        LuaValue v = args.arg(i);
        if (v.type() != LuaValue.TNUMBER && !(v.isstring() && v.tonumber().isnumber())) {
            throw new LuaError("bad argument #" + i + " to '?' (number expected, got " + typename(v) + ")");
        }
        double n = v.todouble() + 6755399441055744.0;
        return (int) Double.doubleToRawLongBits(n);
    }

    private static String typename(LuaValue v) {
        return v.isnil() ? "no value" : v.typename();
    }

    private interface Op {
        int apply(Varargs args);
    }

    private static VarArgFunction function(Op op) {
        return new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                return LuaValue.valueOf(op.apply(args));
            }
        };
    }

    static LuaTable table() {
        LuaTable t = new LuaTable();
        t.rawset("tobit", function(a -> bitArg(a, 1)));
        t.rawset("bnot", function(a -> ~bitArg(a, 1)));
        t.rawset("band", function(a -> {
            int r = bitArg(a, 1);
            for (int i = 2; i <= a.narg(); i++) {
                r &= bitArg(a, i);
            }
            return r;
        }));
        t.rawset("bor", function(a -> {
            int r = bitArg(a, 1);
            for (int i = 2; i <= a.narg(); i++) {
                r |= bitArg(a, i);
            }
            return r;
        }));
        t.rawset("bxor", function(a -> {
            int r = bitArg(a, 1);
            for (int i = 2; i <= a.narg(); i++) {
                r ^= bitArg(a, i);
            }
            return r;
        }));
        t.rawset("lshift", function(a -> bitArg(a, 1) << (bitArg(a, 2) & 31)));
        t.rawset("rshift", function(a -> bitArg(a, 1) >>> (bitArg(a, 2) & 31)));
        t.rawset("arshift", function(a -> bitArg(a, 1) >> (bitArg(a, 2) & 31)));
        t.rawset("rol", function(a -> Integer.rotateLeft(bitArg(a, 1), bitArg(a, 2) & 31)));
        t.rawset("ror", function(a -> Integer.rotateRight(bitArg(a, 1), bitArg(a, 2) & 31)));
        t.rawset("bswap", function(a -> Integer.reverseBytes(bitArg(a, 1))));
        t.rawset("tohex", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                int b = bitArg(args, 1);
                int n = args.isnoneornil(2) ? 8 : bitArg(args, 2);
                String digits = "0123456789abcdef";
                if (n < 0) {
                    n = -n;
                    digits = "0123456789ABCDEF";
                }
                if (n > 8) {
                    n = 8;
                }
                char[] out = new char[n];
                for (int i = n - 1; i >= 0; i--) {
                    out[i] = digits.charAt(b & 15);
                    b >>>= 4;
                }
                return LuaValue.valueOf(new String(out));
            }
        });
        return t;
    }
}
