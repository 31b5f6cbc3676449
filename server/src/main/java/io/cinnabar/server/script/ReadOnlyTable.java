package io.cinnabar.server.script;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;

/**
 * A Lua table that refuses every change once sealed, as Redis's readonly tables do (globals, libraries, the string
 * metatable): {@code Attempt to modify a readonly table}. Writes through the VM carry the script position; writes
 * through rawset/setmetatable are refused by the sandbox's own versions of those functions.
 */
final class ReadOnlyTable extends LuaTable {
    static final String MESSAGE = "Attempt to modify a readonly table";
    private boolean sealed;

    ReadOnlyTable seal() {
        sealed = true;
        return this;
    }

    boolean sealed() {
        return sealed;
    }

    private void check() {
        if (sealed) {
            throw new LuaError(MESSAGE);
        }
    }

    @Override
    public void rawset(int key, LuaValue value) {
        check();
        super.rawset(key, value);
    }

    @Override
    public void rawset(LuaValue key, LuaValue value) {
        check();
        super.rawset(key, value);
    }

    @Override
    public LuaValue setmetatable(LuaValue metatable) {
        check();
        return super.setmetatable(metatable);
    }

    @Override
    public void insert(int pos, LuaValue value) {
        check();
        super.insert(pos, value);
    }

    @Override
    public LuaValue remove(int pos) {
        check();
        return super.remove(pos);
    }

    @Override
    public void sort(LuaValue comparator) {
        check();
        super.sort(comparator);
    }

    /** A plain, writable copy of this table's fields. */
    LuaTable unsealedCopy() {
        LuaTable t = new LuaTable();
        LuaValue k = LuaValue.NIL;
        while (true) {
            org.luaj.vm2.Varargs n = next(k);
            if ((k = n.arg1()).isnil()) {
                break;
            }
            t.rawset(k, n.arg(2));
        }
        return t;
    }

    /** A sealed copy of {@code source}'s fields. */
    static ReadOnlyTable copyOf(LuaValue source) {
        ReadOnlyTable t = new ReadOnlyTable();
        LuaValue k = LuaValue.NIL;
        while (true) {
            org.luaj.vm2.Varargs n = source.next(k);
            if ((k = n.arg1()).isnil()) {
                break;
            }
            t.rawset(k, n.arg(2));
        }
        return t.seal();
    }
}
