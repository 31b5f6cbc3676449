package io.cinnabar.server.script;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Prototype;
import org.luaj.vm2.Upvaldesc;

/**
 * string.dump: a function as a Lua 5.1 binary chunk (ldump.c's layout, x86-64 sizes), translated from luaj's Lua 5.2
 * prototype: 5.2's opcodes renumbered, globals read through _ENV turned back into GETGLOBAL/SETGLOBAL, _ENV dropped
 * from the upvalues, closures followed by 5.1's upvalue pseudo-instructions, jumps that close upvalues split into
 * CLOSE and JMP, LOADNIL's range made absolute. For the functions 5.1 and 5.2 compile alike (most small ones) the
 * bytes are Redis's; where the two compilers allocate differently (a vararg function's implicit {@code arg} local,
 * a global assigned a constant, locals declared without a value) they differ. Redis loads no bytecode, so a dump
 * is only ever compared, measured or stored.
 *
 * <p>Follows Lua 5.1.5 (ldump.c, lopcodes.h), Copyright (C) 1994-2012 Lua.org, PUC-Rio, MIT licence; see NOTICE.
 */
final class LuaDump {
    private static final byte[] HEADER = {0x1b, 'L', 'u', 'a', 0x51, 0, 1, 4, 8, 4, 8, 0};
    private static final LuaString ENV = LuaString.valueOf("_ENV");

    // Lua 5.2 (luaj) opcodes
    private static final int OP52_LOADNIL = 4;
    private static final int OP52_GETUPVAL = 5;
    private static final int OP52_GETTABUP = 6;
    private static final int OP52_SETTABUP = 8;
    private static final int OP52_SETUPVAL = 9;
    private static final int OP52_JMP = 23;
    private static final int OP52_FORLOOP = 32;
    private static final int OP52_FORPREP = 33;
    private static final int OP52_TFORCALL = 34;
    private static final int OP52_TFORLOOP = 35;
    private static final int OP52_CLOSURE = 37;
    private static final int OP52_EXTRAARG = 39;
    /** 5.2 opcode to 5.1 opcode; -1 where the translation is done by hand. */
    private static final int[] OPCODES = {0, 1, 1, 2, 3, 4, -1, 6, -1, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20,
        21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 22, 34, 36, 37, -1};

    // Lua 5.1 opcodes
    private static final int OP_MOVE = 0;
    private static final int OP_GETUPVAL = 4;
    private static final int OP_GETGLOBAL = 5;
    private static final int OP_GETTABLE = 6;
    private static final int OP_SETGLOBAL = 7;
    private static final int OP_JMP = 22;
    private static final int OP_CLOSE = 35;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    private LuaDump() {
    }

    /** {@code source}: the chunk's source name as C Lua keeps it, when it differs from luaj's (loadstring). */
    static byte[] dump(Prototype p, LuaString source) {
        LuaDump d = new LuaDump();
        d.source = source;
        d.out.writeBytes(HEADER);
        d.function(p, null);
        return d.out.toByteArray();
    }

    private LuaString source;

    private void writeInt(int v) {
        for (int i = 0; i < 4; i++) {
            out.write((v >>> (8 * i)) & 0xff);
        }
    }

    private void writeLong(long v) {
        for (int i = 0; i < 8; i++) {
            out.write((int) (v >>> (8 * i)) & 0xff);
        }
    }

    /** DumpString: size_t length counting a final NUL, the bytes, the NUL; 0 for none. */
    private void writeString(LuaString s) {
        if (s == null) {
            writeLong(0);
            return;
        }
        writeLong(s.m_length + 1L);
        out.write(s.m_bytes, s.m_offset, s.m_length);
        out.write(0);
    }

    private static int op(int i) {
        return i & 0x3f;
    }

    private static int a(int i) {
        return (i >>> 6) & 0xff;
    }

    private static int c(int i) {
        return (i >>> 14) & 0x1ff;
    }

    private static int b(int i) {
        return (i >>> 23) & 0x1ff;
    }

    private static int bx(int i) {
        return (i >>> 14) & 0x3ffff;
    }

    private static int abc(int op, int a, int b, int c) {
        return op | (a << 6) | (c << 14) | (b << 23);
    }

    private static int abx(int op, int a, int bx) {
        return op | (a << 6) | (bx << 14);
    }

    /** Where each of the function's upvalues lands once _ENV is gone (-1 for _ENV). */
    private static int[] upvalueMap(Prototype f) {
        Upvaldesc[] ups = f.upvalues == null ? new Upvaldesc[0] : f.upvalues;
        int[] map = new int[ups.length];
        int n = 0;
        for (int i = 0; i < ups.length; i++) {
            map[i] = ENV.equals(ups[i].name) ? -1 : n++;
        }
        return map;
    }

    /**
     * Lua 5.1 gives a vararg function a hidden local {@code arg} right after its parameters (LUA_COMPAT_VARARG): the
     * registers from there on are one higher than luaj's.
     */
    private static int shift(int i, int from) {
        int op = op(i);
        int a = a(i);
        int b = b(i);
        int c = c(i);
        boolean aReg = op != OP52_SETTABUP && op != 24 && op != 25 && op != 26 && op != OP52_EXTRAARG;
        if (op == 31 && b == 1) {
            return i; // RETURN 0 1, returning nothing: A means nothing
        }
        if (op == OP52_JMP) {
            aReg = false;
            if (a > 0 && a - 1 >= from) {
                a++;
            }
        } else if (aReg && a >= from) {
            a++;
        }
        switch (op) {
            case 0, 7, 12, 19, 20, 21, 22, 28 -> b = b >= from ? b + 1 : b; // a register in B
            default -> {
                if (op == 8 || op == 10 || (op >= 13 && op <= 18) || (op >= 24 && op <= 26)) {
                    b = (b & 0x100) == 0 && b >= from ? b + 1 : b; // RK(B)
                }
            }
        }
        if (op == 22) {
            c = c >= from ? c + 1 : c; // CONCAT's last register
        } else if (op == 6 || op == 7 || op == 8 || op == 10 || op == 12 || (op >= 13 && op <= 18)
                || (op >= 24 && op <= 26)) {
            c = (c & 0x100) == 0 && c >= from ? c + 1 : c; // RK(C)
        }
        if (op == 1 || op == 2 || op == 37 || op == OP52_JMP || op == OP52_FORLOOP || op == OP52_FORPREP
                || op == OP52_TFORLOOP) {
            return (i & ~(0xff << 6)) | (a << 6); // Bx or sBx instructions: only A moves
        }
        return abc(op, a, b, c);
    }

    private void function(Prototype f, LuaString parentSource) {
        int[] upmap = upvalueMap(f);
        boolean hasArg = f.linedefined != 0 && f.is_vararg != 0;
        int[] code = f.code.clone();
        if (hasArg) {
            for (int pc = 0; pc < code.length; pc++) {
                code[pc] = shift(code[pc], f.numparams);
            }
        }
        List<int[]> emitted = new ArrayList<>(); // {instruction, old pc, jump target (old pc) or -1}
        int[] first = new int[code.length + 1];
        for (int pc = 0; pc < code.length; pc++) {
            first[pc] = emitted.size();
            int i = code[pc];
            int op = op(i);
            switch (op) {
                case OP52_LOADNIL -> {
                    // luaK_nil: at a function's start the registers past the parameters are already nil
                    if (pc > 0 || a(i) < f.numparams + (hasArg ? 1 : 0)) {
                        emitted.add(new int[] {abc(3, a(i), a(i) + b(i), 0), pc, -1});
                    }
                }
                case OP52_GETUPVAL, OP52_SETUPVAL -> emitted.add(new int[] {abc(OPCODES[op], a(i),
                        Math.max(0, upmap[b(i)]), c(i)), pc, -1});
                case OP52_GETTABUP -> {
                    if (upmap[b(i)] < 0 && (c(i) & 0x100) != 0) {
                        emitted.add(new int[] {abx(OP_GETGLOBAL, a(i), c(i) & 0xff), pc, -1});
                    } else {
                        emitted.add(new int[] {abc(OP_GETUPVAL, a(i), Math.max(0, upmap[b(i)]), 0), pc, -1});
                        emitted.add(new int[] {abc(OP_GETTABLE, a(i), a(i), c(i)), pc, -1});
                    }
                }
                case OP52_SETTABUP -> {
                    // UpValue[A][RK(B)] = RK(C): a global when the upvalue is _ENV, whose SETGLOBAL stores a
                    // register (a constant value is first loaded into a free one)
                    int value = c(i);
                    if (upmap[a(i)] < 0 && (b(i) & 0x100) != 0) {
                        int reg = value;
                        if ((value & 0x100) != 0) {
                            reg = f.maxstacksize - 1;
                            emitted.add(new int[] {abx(1, reg, value & 0xff), pc, -1});
                        }
                        emitted.add(new int[] {abx(OP_SETGLOBAL, reg, b(i) & 0xff), pc, -1});
                    } else {
                        int tmp = f.maxstacksize - 1;
                        emitted.add(new int[] {abc(OP_GETUPVAL, tmp, Math.max(0, upmap[a(i)]), 0), pc, -1});
                        emitted.add(new int[] {abc(9, tmp, b(i), value), pc, -1});
                    }
                }
                case OP52_JMP -> {
                    if (a(i) > 0) {
                        emitted.add(new int[] {abc(OP_CLOSE, a(i) - 1, 0, 0), pc, -1});
                    }
                    if (a(i) == 0 || bx(i) != 131071) { // 5.2's "JMP A 0" only closes upvalues
                        emitted.add(new int[] {OP_JMP, pc, pc + 1 + bx(i) - 131071});
                    }
                }
                case OP52_FORLOOP, OP52_FORPREP, OP52_TFORLOOP ->
                        emitted.add(new int[] {abc(OPCODES[op], op == OP52_TFORLOOP ? 0 : a(i), 0, 0), pc,
                            pc + 1 + bx(i) - 131071});
                case OP52_TFORCALL -> emitted.add(new int[] {abc(33, a(i), 0, c(i)), pc, -1});
                case OP52_CLOSURE -> {
                    emitted.add(new int[] {abx(36, a(i), bx(i)), pc, -1});
                    Prototype child = f.p[bx(i)];
                    if (child.upvalues != null) {
                        for (Upvaldesc u : child.upvalues) {
                            if (ENV.equals(u.name)) {
                                continue;
                            }
                            int reg = hasArg && u.idx >= f.numparams ? u.idx + 1 : u.idx;
                            emitted.add(new int[] {u.instack ? abc(OP_MOVE, 0, reg, 0)
                                    : abc(OP_GETUPVAL, 0, Math.max(0, upmap[u.idx]), 0), pc, -1});
                        }
                    }
                }
                case OP52_EXTRAARG -> {
                    // only after a LOADKX or SETLIST too large for their fields: kept as data
                    emitted.add(new int[] {i, pc, -1});
                }
                default -> emitted.add(new int[] {(i & ~0x3f) | OPCODES[op], pc, -1});
            }
        }
        first[code.length] = emitted.size();
        // jumps: the same targets, counted in the translated code
        for (int n = 0; n < emitted.size(); n++) {
            int[] e = emitted.get(n);
            if (e[2] >= 0) {
                int target = first[Math.min(Math.max(e[2], 0), code.length)];
                e[0] = (e[0] & 0x3fff) | ((target - (n + 1) + 131071) << 14);
            }
        }
        int nups = 0;
        for (int m : upmap) {
            if (m >= 0) {
                nups++;
            }
        }
        LuaString source = this.source != null ? this.source : f.source;
        writeString(parentSource != null && parentSource.equals(source) ? null : source);
        writeInt(f.linedefined);
        writeInt(f.lastlinedefined);
        out.write(nups);
        out.write(f.numparams);
        boolean usesVararg = false;
        for (int i : code) {
            usesVararg |= op(i) == 38;
        }
        // VARARG_ISVARARG for a main chunk; a vararg function also has 5.1's 'arg' (HASARG, NEEDSARG unless '...')
        out.write(f.linedefined == 0 ? 2 : f.is_vararg != 0 ? (usesVararg ? 3 : 7) : 0);
        int maxstack = f.maxstacksize;
        if (hasArg) {
            int top = 0;
            for (int[] e : emitted) {
                top = Math.max(top, a(e[0]) + 1);
            }
            maxstack = Math.max(2, Math.max(top, f.maxstacksize == 2 ? 0 : f.maxstacksize + 1));
        }
        out.write(maxstack);
        writeInt(emitted.size());
        for (int[] e : emitted) {
            writeInt(e[0]);
        }
        LuaValue[] k = f.k == null ? new LuaValue[0] : f.k;
        writeInt(k.length);
        for (LuaValue v : k) {
            switch (v.type()) {
                case LuaValue.TNIL -> out.write(0);
                case LuaValue.TBOOLEAN -> {
                    out.write(1);
                    out.write(v.toboolean() ? 1 : 0);
                }
                case LuaValue.TNUMBER -> {
                    out.write(3);
                    writeLong(Double.doubleToRawLongBits(v.todouble()));
                }
                default -> {
                    out.write(4);
                    writeString(v.checkstring());
                }
            }
        }
        Prototype[] protos = f.p == null ? new Prototype[0] : f.p;
        writeInt(protos.length);
        for (Prototype child : protos) {
            function(child, source);
        }
        writeInt(emitted.size());
        for (int[] e : emitted) {
            int pc = e[1];
            writeInt(f.lineinfo != null && pc < f.lineinfo.length ? f.lineinfo[pc] : 0);
        }
        int nlocs = f.locvars == null ? 0 : f.locvars.length;
        writeInt(nlocs + (hasArg ? 1 : 0));
        for (int n = 0; n < nlocs; n++) {
            if (hasArg && n == f.numparams) {
                writeString(LuaString.valueOf("arg"));
                writeInt(0);
                writeInt(Math.max(0, emitted.size() - 1));
            }
            writeString(f.locvars[n].varname);
            writeInt(first[Math.min(f.locvars[n].startpc, code.length)]);
            // 5.1 ends the function's locals before its final RETURN, 5.2 after it
            int end = f.locvars[n].endpc;
            if (end > 0 && end <= code.length && op(code[end - 1]) == OP52_JMP && a(code[end - 1]) > 0
                    && bx(code[end - 1]) == 131071) {
                end--; // 5.1 ends a block's locals before the CLOSE that replaces 5.2's closing jump
                writeInt(first[end]);
            } else {
                writeInt(end >= code.length ? Math.max(0, emitted.size() - 1) : first[end]);
            }
        }
        if (hasArg && nlocs == f.numparams) {
            writeString(LuaString.valueOf("arg"));
            writeInt(0);
            writeInt(Math.max(0, emitted.size() - 1));
        }
        writeInt(nups);
        if (f.upvalues != null) {
            for (int n = 0; n < f.upvalues.length; n++) {
                if (upmap[n] >= 0) {
                    writeString(f.upvalues[n].name);
                }
            }
        }
    }
}
