package io.cinnabar.server.script;

import org.luaj.vm2.LuaClosure;
import org.luaj.vm2.LuaFunction;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.DebugLib;

/**
 * Installed as luaj's debug library only for its hooks (the {@code debug} table itself is never exposed): every
 * 1024 instructions it lets the engine check for SCRIPT KILL and time limits, which stops {@code while true do end}
 * even inside pcall. The call-stack bookkeeping of DebugLib is skipped, so the hook costs a counter increment.
 */
final class InstructionHook extends DebugLib {
    interface Check {
        void check();
    }

    private final Check check;
    private int count;
    /** Prototypes of the running Lua closures (null for other frames), for the line of an error or a kill. */
    private org.luaj.vm2.Prototype[] frames = new org.luaj.vm2.Prototype[64];
    private int depth;
    private int pc;
    /** The function of the last instruction run: still known after a tail call returned into Java code. */
    private org.luaj.vm2.Prototype lastProto;

    InstructionHook(Check check) {
        this.check = check;
    }

    @Override
    public void onInstruction(int pc, Varargs v, int top) {
        this.pc = pc;
        if (depth > 0) {
            lastProto = frames[depth - 1];
        }
        if ((++count & 1023) == 0) {
            check.check();
        }
    }

    @Override
    public void onCall(LuaFunction f) {
        push(null);
    }

    @Override
    public void onCall(LuaClosure c, Varargs varargs, LuaValue[] stack) {
        push(c.p);
    }

    /** LUAI_MAXCALLS: deeper recursion fails with "stack overflow", a Lua error scripts can catch. */
    private static final int MAX_CALLS = 20000;

    private void push(org.luaj.vm2.Prototype p) {
        if (depth >= MAX_CALLS) {
            throw new org.luaj.vm2.LuaError("stack overflow");
        }
        if (depth == frames.length) {
            frames = java.util.Arrays.copyOf(frames, depth * 2);
        }
        frames[depth++] = p;
    }

    @Override
    public void onReturn() {
        if (depth > 0) {
            depth--;
        }
    }

    /** Forgets the frames of a finished (or failed) script. */
    void reset() {
        depth = 0;
        pc = 0;
        lastProto = null;
    }

    /** The line being executed in the innermost Lua function, or -1 when unknown. */
    int currentLine() {
        org.luaj.vm2.Prototype p = lastProto;
        return p != null && p.lineinfo != null && pc >= 0 && pc < p.lineinfo.length ? p.lineinfo[pc] : -1;
    }

    @Override
    public String traceback(int level) {
        return "";
    }
}
