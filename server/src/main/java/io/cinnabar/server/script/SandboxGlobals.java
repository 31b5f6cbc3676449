package io.cinnabar.server.script;

import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaValue;

/**
 * The globals table of the sandbox: read-only once locked, as Redis 7.0 protects _G (a script cannot create or
 * replace globals, nor set its metatable). The host still sets KEYS and ARGV for each call.
 */
final class SandboxGlobals extends Globals {
    private boolean locked;
    /** The engine this sandbox belongs to (error lines are reported to it). */
    LuaBridge owner;

    void lock() {
        locked = true;
    }

    boolean locked() {
        return locked;
    }

    /** Host-side write that bypasses the lock (KEYS, ARGV). */
    void hostSet(String name, LuaValue value) {
        boolean was = locked;
        locked = false;
        try {
            super.rawset(LuaValue.valueOf(name), value);
        } finally {
            locked = was;
        }
    }

    @Override
    public void rawset(int key, LuaValue value) {
        if (locked) {
            throw new LuaError(ReadOnlyTable.MESSAGE);
        }
        super.rawset(key, value);
    }

    @Override
    public void rawset(LuaValue key, LuaValue value) {
        if (locked) {
            throw new LuaError(ReadOnlyTable.MESSAGE);
        }
        super.rawset(key, value);
    }

    @Override
    public LuaValue setmetatable(LuaValue metatable) {
        if (locked) {
            throw new LuaError(ReadOnlyTable.MESSAGE);
        }
        return super.setmetatable(metatable);
    }
}
