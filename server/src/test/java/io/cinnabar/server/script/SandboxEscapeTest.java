package io.cinnabar.server.script;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cinnabar.server.testing.ServerTest;
import org.junit.jupiter.api.Test;

/** Attempts to leave the sandbox or to harm the server; every one is refused or contained. */
class SandboxEscapeTest extends ServerTest {
    private String eval(String script) {
        return call("EVAL", script, "0");
    }

    private void assertError(String script, String contains) {
        String reply = eval(script);
        assertTrue(reply.startsWith("-") && reply.contains(contains), script + " -> " + reply);
    }

    @Test
    void javaAndTheOperatingSystemAreOutOfReach() {
        for (String name : new String[] {"luajava", "io", "os", "debug", "package", "require", "dofile", "loadfile",
            "print", "module", "newproxy", "getfenv", "setfenv", "bit32", "rawlen"}) {
            assertEquals("$3\r\nnil\r\n", eval("return type(rawget(_G, '" + name + "'))"), name);
        }
        assertError("return luajava.bindClass('java.lang.System')", "nonexistent global variable 'luajava'");
        assertError("return require('os')", "nonexistent global variable 'require'");
        assertError("return package.loadlib('libc.so', 'system')", "nonexistent global variable 'package'");
        assertError("return os.execute('id')", "nonexistent global variable 'os'");
        assertError("return io.open('/etc/passwd')", "nonexistent global variable 'io'");
    }

    @Test
    void bytecodeCannotBeLoaded() {
        // string.dump gives Lua 5.1 bytecode, which nothing loads (Redis's Lua refuses binary chunks too)
        assertEquals("$53\r\n[string \"\u001bLuaQ\"]:1: unexpected symbol near 'char(27)'\r\n",
                eval("local f, e = loadstring(string.dump(function() return 1 end)) return e"));
        assertError("return string.dump(tostring)", "unable to dump given function");
        assertEquals("$72\r\n[string \"\u001bLuaxxxxxxxxxxxxxxxxxxxx\"]:1: unexpected symbol near 'char(27)'\r\n",
                eval("local f, e = loadstring('\\27Lua' .. string.rep('x', 20)) return e"));
        assertTrue(eval("return {load(function() return nil end)}").startsWith("*"));
        assertError("return load('return 1')", "function expected");
        String compiled = call("EVAL", "\u001bLuaQ", "0");
        assertTrue(compiled.startsWith("-ERR Error compiling script"), compiled);
    }

    @Test
    void globalsAndLibrariesAreReadOnly() {
        assertError("_G.x = 1", "Attempt to modify a readonly table");
        assertError("rawset(_G, 'x', 1)", "Attempt to modify a readonly table");
        assertError("setmetatable(_G, nil)", "Attempt to modify a readonly table");
        assertError("redis.call = function() end", "Attempt to modify a readonly table");
        assertError("string.upper = function() return 'pwned' end", "Attempt to modify a readonly table");
        assertError("table.insert = nil", "Attempt to modify a readonly table");
        assertError("math.floor = nil", "Attempt to modify a readonly table");
        assertError("cjson.encode = nil", "Attempt to modify a readonly table");
        assertError("bit.band = nil", "Attempt to modify a readonly table");
        assertError("rawset(string, 'upper', nil)", "Attempt to modify a readonly table");
        assertError("table.insert(string, 'x')", "Attempt to modify a readonly table");
    }

    @Test
    void theStringMetatableCannotBeChangedForOtherScripts() {
        assertError("getmetatable('').__index = {upper = function() return 'pwned' end}",
                "Attempt to modify a readonly table");
        assertError("getmetatable('').__index.upper = function() return 'pwned' end",
                "Attempt to modify a readonly table");
        assertError("setmetatable(getmetatable(''), {})", "Attempt to modify a readonly table");
        assertError("rawset(getmetatable(''), '__index', {})", "Attempt to modify a readonly table");
        assertEquals("$3\r\nABC\r\n", eval("return ('abc'):upper()"));
    }

    @Test
    void resourceExhaustionEndsOnlyTheScript() {
        assertError("return string.rep('x', 1024 * 1024 * 1024)", "not enough memory");
        assertError("return unpack({}, 1, 1e8)", "too many results to unpack");
        assertError("local t = {} for i = 1, 300 do t[i] = string.rep('x', 1000000) end "
                + "return table.concat(t, string.rep('y', 1000000))", "not enough memory");
        assertError("local function f() return f() + 1 end return f()", "stack overflow");
        assertEquals("$1\r\n0\r\n", eval("collectgarbage('collect') return tostring(collectgarbage('step'))"));
        assertEquals("+PONG\r\n", call("PING"));
    }

    @Test
    void coroutinesAndPcallCannotHideAKill() {
        // the instruction hook reaches code under pcall and inside coroutines: both finish normally here
        assertEquals(":10\r\n", eval("local co = coroutine.create(function() local n = 0 "
                + "for i = 1, 10 do n = n + 1 coroutine.yield(n) end return n end) "
                + "local r repeat local ok, v = coroutine.resume(co) r = v or r until coroutine.status(co) == 'dead' "
                + "return r"));
    }
}
