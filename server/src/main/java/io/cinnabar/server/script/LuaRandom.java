package io.cinnabar.server.script;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * math.random and math.randomseed as Redis defines them: Lua 5.1's functions over Redis's redisLrand48 (the 48-bit
 * rand48 generator), whose state starts unseeded when the server starts and carries across scripts, so a fresh
 * server gives the same sequence as a fresh Redis. Not thread-safe: used by the one running script.
 *
 * <p>Ported from Redis 7.0's rand.c (BSD-3-Clause, Copyright (c) 2009-2012 Salvatore Sanfilippo; rand48 after
 * FreeBSD's libc) and Lua 5.1's lmathlib.c (MIT licence, Copyright (C) 1994-2012 Lua.org, PUC-Rio); see NOTICE.
 */
final class LuaRandom {
    private static final long MASK = (1L << 48) - 1;
    private static final long MULTIPLIER = 0x5DEECE66DL;
    private static final long INCREMENT = 0xBL;
    private static final int LRAND48_MAX = Integer.MAX_VALUE;

    /** rand48's state before any srand48: X0=0x330E, X1=0xABCD, X2=0x1234. */
    private long state = 0x1234ABCD330EL;

    private int lrand48() {
        state = (state * MULTIPLIER + INCREMENT) & MASK;
        return (int) (state >>> 17);
    }

    private void srand48(int seed) {
        state = ((seed & 0xffffffffL) << 16) | 0x330EL;
    }

    VarArgFunction random() {
        return new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                double r = (double) (lrand48() % LRAND48_MAX) / (double) LRAND48_MAX;
                switch (args.narg()) {
                    case 0:
                        return LuaValue.valueOf(r);
                    case 1: {
                        int u = (int) args.checkdouble(1);
                        if (u < 1) {
                            throw new LuaError("bad argument #1 to 'random' (interval is empty)");
                        }
                        return LuaValue.valueOf(Math.floor(r * u) + 1);
                    }
                    case 2: {
                        int l = (int) args.checkdouble(1);
                        int u = (int) args.checkdouble(2);
                        if (l > u) {
                            throw new LuaError("bad argument #2 to 'random' (interval is empty)");
                        }
                        return LuaValue.valueOf(Math.floor(r * ((double) u - l + 1)) + l);
                    }
                    default:
                        throw new LuaError("wrong number of arguments");
                }
            }
        };
    }

    VarArgFunction randomseed() {
        return new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                srand48((int) args.checkdouble(1));
                return LuaValue.NONE;
            }
        };
    }
}
