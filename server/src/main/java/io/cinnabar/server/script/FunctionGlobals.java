package io.cinnabar.server.script;

import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.lib.TwoArgFunction;

/**
 * What library code sees as its globals in the functions' VM, as function_lua.c arranges it: an empty read-only
 * table whose {@code __index} reads through to the load-time API while FUNCTION LOAD runs the library (only
 * {@code redis.register_function}, {@code redis.log}, the log levels and the version), and to the full sandbox
 * when a function is called. A closure keeps this table as its globals, so one compiled library sees both in turn.
 *
 * <p>Ported from Redis 7.0 (function_lua.c), Copyright (c) 2006-2022 Salvatore Sanfilippo and Redis Ltd., BSD-3-Clause;
 * see NOTICE.
 */
final class FunctionGlobals {
    /** The table chunks get as their globals. */
    private final ReadOnlyTable table = new ReadOnlyTable();
    private final LuaTable runtime;
    private final ReadOnlyTable loadApi = new ReadOnlyTable();
    private final ReadOnlyTable loadRedis = new ReadOnlyTable();
    private LuaTable current;

    FunctionGlobals(LuaTable runtime) {
        this.runtime = runtime;
        this.current = runtime;
        ReadOnlyTable meta = new ReadOnlyTable();
        meta.rawset(LuaValue.INDEX, new TwoArgFunction() {
            @Override
            public LuaValue call(LuaValue table, LuaValue key) {
                return current.get(key);
            }
        });
        meta.seal();
        table.setmetatable(meta);
        table.seal();
    }

    ReadOnlyTable table() {
        return table;
    }

    /** The {@code redis} table of the load-time API, filled by the library loader before it is sealed. */
    ReadOnlyTable loadRedis() {
        return loadRedis;
    }

    /** Seals the load-time API: unknown names fail as Redis's error metatable makes them. */
    void sealLoadApi() {
        ReadOnlyTable errors = new ReadOnlyTable();
        errors.rawset(LuaValue.INDEX, LuaBridge.NONEXISTENT_GLOBAL);
        errors.seal();
        loadRedis.setmetatable(errors);
        loadRedis.seal();
        loadApi.rawset("redis", loadRedis);
        loadApi.setmetatable(errors);
        loadApi.seal();
    }

    void loading(boolean loading) {
        current = loading ? loadApi : runtime;
    }
}
