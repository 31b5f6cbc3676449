package io.cinnabar.server.script;

import org.luaj.vm2.Lua;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Prototype;

/**
 * C Lua's texts for type errors (luaG_typeerror, luaG_concaterror, luaG_aritherror, luaG_ordererror), rebuilt from
 * the failing instruction, with variable names found as C Lua's getobjname finds them ("local 'x'", "field 'a'",
 * "upvalue 'u'", "method 'm'"). luaj's own texts ("attempt to index ? (a nil value)") differ.
 *
 * <p>Ported from Lua 5.1's ldebug.c, Copyright (C) 1994-2012 Lua.org, PUC-Rio, MIT licence; see NOTICE.
 */
final class LuaTypeErrors {
    private LuaTypeErrors() {
    }

    /**
     * The C Lua message for the type error raised at {@code pc}, or null to keep luaj's: only when the operand
     * really cannot take the operation (errors raised by library functions or metamethods keep their texts).
     */
    static String message(Prototype p, int pc, LuaValue[] stack, org.luaj.vm2.UpValue[] upvalues) {
        if (pc < 0 || pc >= p.code.length) {
            return null;
        }
        int i = p.code[pc];
        int a = Lua.GETARG_A(i);
        int b = Lua.GETARG_B(i);
        int c = Lua.GETARG_C(i);
        switch (Lua.GET_OPCODE(i)) {
            case Lua.OP_GETTABLE:
            case Lua.OP_SELF:
                return indexable(stack[b]) ? null : typeError(p, pc, stack, b, "index");
            case Lua.OP_SETTABLE:
                return indexable(stack[a]) ? null : typeError(p, pc, stack, a, "index");
            case Lua.OP_GETTABUP: {
                LuaValue v = b < upvalues.length ? upvalues[b].getValue() : LuaValue.NIL;
                return indexable(v) ? null
                        : "attempt to index upvalue '" + upvalueName(p, b) + "' (a " + v.typename() + " value)";
            }
            case Lua.OP_CALL:
            case Lua.OP_TAILCALL:
                return callable(stack[a]) ? null : typeError(p, pc, stack, a, "call");
            case Lua.OP_LEN:
                return stack[b].istable() || stack[b].isstring() || !stack[b].metatag(LuaValue.LEN).isnil() ? null
                        : typeError(p, pc, stack, b, "get length of");
            case Lua.OP_UNM:
                return !stack[b].tonumber().isnil() || !stack[b].metatag(LuaValue.UNM).isnil() ? null
                        : typeError(p, pc, stack, b, "perform arithmetic on");
            case Lua.OP_ADD:
            case Lua.OP_SUB:
            case Lua.OP_MUL:
            case Lua.OP_DIV:
            case Lua.OP_MOD:
            case Lua.OP_POW: {
                LuaValue x = rk(p, stack, b);
                LuaValue y = rk(p, stack, c);
                if ((!x.tonumber().isnil() && !y.tonumber().isnil()) || x.istable() || y.istable()) {
                    return null; // numbers do not fail; tables fail (or not) in their metamethods
                }
                int bad = x.tonumber().isnil() ? b : c;
                return Lua.ISK(bad) ? "attempt to perform arithmetic on a " + rk(p, stack, bad).typename() + " value"
                        : typeError(p, pc, stack, bad, "perform arithmetic on");
            }
            case Lua.OP_CONCAT: {
                for (int r = c; r > b; r--) {
                    LuaValue left = stack[r - 1];
                    LuaValue right = stack[r];
                    if (!concatenable(left) || !concatenable(right)) {
                        int bad = concatenable(left) ? r : r - 1;
                        return typeError(p, pc, stack, bad, "concatenate");
                    }
                }
                return null;
            }
            case Lua.OP_LT:
            case Lua.OP_LE: {
                LuaValue x = rk(p, stack, b);
                LuaValue y = rk(p, stack, c);
                LuaValue event = Lua.GET_OPCODE(i) == Lua.OP_LT ? LuaValue.LT : LuaValue.LE;
                if ((x.type() == y.type() && (x.type() == LuaValue.TNUMBER || x.type() == LuaValue.TSTRING))
                        || !x.metatag(event).isnil() || !y.metatag(event).isnil()) {
                    return null;
                }
                String t1 = x.typename();
                String t2 = y.typename();
                return t1.equals(t2) ? "attempt to compare two " + t1 + " values"
                        : "attempt to compare " + t1 + " with " + t2;
            }
            default:
                return null;
        }
    }

    private static final java.util.regex.Pattern BAD_ARGUMENT =
            java.util.regex.Pattern.compile("^bad argument(?: #(\\d+))?: (\\w+) expected, got (\\w+)$");

    /**
     * luaL_argerror's "bad argument #N to 'name' (T expected, got U)" for luaj's "bad argument: T expected, got U",
     * raised by a library function called at {@code pc}: the name comes from the calling instruction, as C Lua
     * finds it, and the argument is the first one that is not a T; or null to keep luaj's text.
     */
    static String argumentError(Prototype p, int pc, LuaValue[] stack, String message) {
        java.util.regex.Matcher m = BAD_ARGUMENT.matcher(message);
        if (!m.find() || pc < 0 || pc >= p.code.length) {
            return null;
        }
        int i = p.code[pc];
        int op = Lua.GET_OPCODE(i);
        if (op != Lua.OP_CALL && op != Lua.OP_TAILCALL) {
            return null;
        }
        int a = Lua.GETARG_A(i);
        int b = Lua.GETARG_B(i);
        String[] name = objectName(p, pc, a);
        if (name == null) {
            return null;
        }
        String expected = cType(m.group(2));
        String gotType = m.group(3);
        int given = b > 0 ? b - 1 : stack.length - a - 1;
        int index;
        if (m.group(1) != null) {
            index = Integer.parseInt(m.group(1));
        } else {
            // the first argument that is not a T and is of the type luaj reports (nil: also one not given)
            index = 1;
            while (index <= given && index < stack.length - a
                    && (fits(stack[a + index], expected) || !stack[a + index].typename().equals(gotType))) {
                index++;
            }
        }
        String got = index > given ? "no value" : stack[a + index].typename();
        if (name[0].equals("method")) {
            index--; // C Lua does not count self
            if (index == 0) {
                return "calling '" + name[1] + "' on bad self (" + expected + " expected, got " + got + ")";
            }
        }
        return "bad argument #" + index + " to '" + name[1] + "' (" + expected + " expected, got " + got + ")";
    }

    /** The same text for a library function called by pcall itself, which C Lua calls '?'; null if not such. */
    static String argumentErrorOfDirectCall(String message, org.luaj.vm2.Varargs args) {
        java.util.regex.Matcher m = BAD_ARGUMENT.matcher(message);
        if (!m.find()) {
            return null;
        }
        String expected = cType(m.group(2));
        int index = m.group(1) != null ? Integer.parseInt(m.group(1)) : 1;
        if (m.group(1) == null) {
            while (index <= args.narg() && (fits(args.arg(index), expected)
                    || !args.arg(index).typename().equals(m.group(3)))) {
                index++;
            }
        }
        String got = index > args.narg() ? "no value" : args.arg(index).typename();
        return "bad argument #" + index + " to '?' (" + expected + " expected, got " + got + ")";
    }

    /** luaj's checkdouble/checkint say "double"/"int" where C Lua says "number". */
    private static String cType(String luajType) {
        return switch (luajType) {
            case "double", "int", "integer", "long" -> "number";
            default -> luajType;
        };
    }

    private static boolean fits(LuaValue v, String expected) {
        return switch (expected) {
            case "string" -> v.type() == LuaValue.TSTRING || v.type() == LuaValue.TNUMBER;
            case "number" -> !v.tonumber().isnil();
            case "table" -> v.istable();
            case "function" -> v.isfunction();
            case "boolean" -> v.isboolean();
            default -> true;
        };
    }

    private static boolean indexable(LuaValue v) {
        return v.istable() || v.type() == LuaValue.TSTRING || !v.metatag(LuaValue.INDEX).isnil();
    }

    private static boolean callable(LuaValue v) {
        return v.isfunction() || !v.metatag(LuaValue.CALL).isnil();
    }

    private static boolean concatenable(LuaValue v) {
        return v.type() == LuaValue.TSTRING || v.type() == LuaValue.TNUMBER;
    }

    private static LuaValue rk(Prototype p, LuaValue[] stack, int x) {
        return Lua.ISK(x) ? p.k[Lua.INDEXK(x)] : stack[x];
    }

    private static String typeError(Prototype p, int pc, LuaValue[] stack, int reg, String op) {
        String type = stack[reg].typename();
        String[] name = objectName(p, pc, reg);
        return name == null ? "attempt to " + op + " a " + type + " value"
                : "attempt to " + op + " " + name[0] + " '" + name[1] + "' (a " + type + " value)";
    }

    private static String upvalueName(Prototype p, int index) {
        LuaString s = index < p.upvalues.length ? p.upvalues[index].name : null;
        return s == null ? "?" : s.tojstring();
    }

    /** getobjname: {kind, name} of the value in {@code reg} at {@code lastpc}, or null. */
    static String[] objectName(Prototype p, int lastpc, int reg) {
        LuaString local = p.getlocalname(reg + 1, lastpc);
        if (local != null) {
            return new String[] {"local", local.tojstring()};
        }
        int pc = findSetReg(p, lastpc, reg);
        if (pc == -1) {
            return null;
        }
        int i = p.code[pc];
        switch (Lua.GET_OPCODE(i)) {
            case Lua.OP_MOVE: {
                int b = Lua.GETARG_B(i);
                return b < Lua.GETARG_A(i) ? objectName(p, pc, b) : null;
            }
            case Lua.OP_GETTABUP:
            case Lua.OP_GETTABLE: {
                int t = Lua.GETARG_B(i);
                String table;
                if (Lua.GET_OPCODE(i) == Lua.OP_GETTABLE) {
                    LuaString n = p.getlocalname(t + 1, pc);
                    table = n == null ? null : n.tojstring();
                } else {
                    table = upvalueName(p, t);
                }
                return new String[] {"_ENV".equals(table) ? "global" : "field", keyName(p, pc, Lua.GETARG_C(i))};
            }
            case Lua.OP_GETUPVAL:
                return new String[] {"upvalue", upvalueName(p, Lua.GETARG_B(i))};
            case Lua.OP_LOADK: {
                LuaValue k = p.k[Lua.GETARG_Bx(i)];
                return k.type() == LuaValue.TSTRING ? new String[] {"constant", k.tojstring()} : null;
            }
            case Lua.OP_SELF:
                return new String[] {"method", keyName(p, pc, Lua.GETARG_C(i))};
            default:
                return null;
        }
    }

    private static String keyName(Prototype p, int pc, int c) {
        if (Lua.ISK(c)) {
            LuaValue k = p.k[Lua.INDEXK(c)];
            return k.type() == LuaValue.TSTRING ? k.tojstring() : "?";
        }
        String[] what = objectName(p, pc, c);
        return what != null && what[0].equals("constant") ? what[1] : "?";
    }

    /** findsetreg: the last instruction before {@code lastpc} that set {@code reg}, ignoring jumped-over code. */
    private static int findSetReg(Prototype p, int lastpc, int reg) {
        int setreg = -1;
        int jmptarget = 0;
        for (int pc = 0; pc < lastpc; pc++) {
            int i = p.code[pc];
            int op = Lua.GET_OPCODE(i);
            int a = Lua.GETARG_A(i);
            switch (op) {
                case Lua.OP_LOADNIL -> {
                    if (a <= reg && reg <= a + Lua.GETARG_B(i)) {
                        setreg = pc < jmptarget ? -1 : pc;
                    }
                }
                case Lua.OP_TFORCALL -> {
                    if (reg >= a + 2) {
                        setreg = pc < jmptarget ? -1 : pc;
                    }
                }
                case Lua.OP_CALL, Lua.OP_TAILCALL -> {
                    if (reg >= a) {
                        setreg = pc < jmptarget ? -1 : pc;
                    }
                }
                case Lua.OP_JMP -> {
                    int dest = pc + 1 + Lua.GETARG_sBx(i);
                    if (pc < dest && dest <= lastpc && dest > jmptarget) {
                        jmptarget = dest;
                    }
                }
                case Lua.OP_TEST -> {
                    if (reg == a) {
                        setreg = pc < jmptarget ? -1 : pc;
                    }
                }
                default -> {
                    if (Lua.testAMode(op) && reg == a) {
                        setreg = pc < jmptarget ? -1 : pc;
                    }
                }
            }
        }
        return setreg;
    }
}
