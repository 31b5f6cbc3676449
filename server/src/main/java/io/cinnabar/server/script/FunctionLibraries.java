package io.cinnabar.server.script;

import io.cinnabar.protocol.bytes.Glob;
import io.cinnabar.protocol.reply.ReplyWriter;
import io.cinnabar.server.exec.Client;
import io.cinnabar.server.persist.DumpPayload;
import io.cinnabar.server.persist.RdbInput;
import io.cinnabar.server.persist.RdbOutput;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaFunction;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * Redis 7.0 functions (functions.c, with the Lua engine of function_lua.c): libraries loaded from code that starts
 * with {@code #!lua name=<lib>}, whose top level registers functions through {@code redis.register_function}; one
 * namespace of function names (case-insensitive) across libraries; FUNCTION DUMP and RESTORE in Redis's serialized
 * form. The functions' Lua VM is created once and kept, as Redis keeps it. Not thread-safe: executor thread.
 *
 * <p>Ported from Redis 7.0 (functions.c and function_lua.c), Copyright (c) 2006-2022 Salvatore Sanfilippo and Redis Ltd., BSD-3-Clause;
 * see NOTICE.
 */
public final class FunctionLibraries {
    /** LOAD_TIMEOUT_MS: a library whose top level runs longer fails to load. */
    private static final long LOAD_TIMEOUT_MS = 500;
    private static final String ENGINE = "LUA";
    private static final int OPCODE_FUNCTION = 246;
    private static final int OPCODE_FUNCTION2 = 245;

    private final ScriptRunner runner;
    private final LuaBridge bridge;
    /** Libraries by name (case-sensitive), in load order; their functions by lower-cased name. */
    private Context current = new Context();
    /** The library whose code is running under FUNCTION LOAD, which register_function adds to. */
    private Library loading;

    /** A registered function. */
    static final class Function {
        final String name;
        final LuaFunction callback;
        final byte[] description;
        final int flags;
        final Library library;

        Function(String name, LuaFunction callback, byte[] description, int flags, Library library) {
            this.name = name;
            this.callback = callback;
            this.description = description;
            this.flags = flags;
            this.library = library;
        }
    }

    /**
     * A library: its name, its whole code (metadata line included) and its functions by exact name, in registration
     * order.
     */
    static final class Library {
        final String name;
        final byte[] code;
        final LinkedHashMap<String, Function> functions = new LinkedHashMap<>();

        Library(String name, byte[] code) {
            this.name = name;
            this.code = code;
        }
    }

    /** functionsLibCtx: a set of libraries and the index of their functions. */
    private static final class Context {
        final LinkedHashMap<String, Library> libraries = new LinkedHashMap<>();
        final HashMap<String, Function> functions = new HashMap<>();

        /**
         * libraryLink. A library may hold two functions whose names differ only in case (its own table compares
         * exactly); the shared index ignores case and keeps the first, as Redis's failing dictAdd does.
         */
        void link(Library lib) {
            libraries.put(lib.name, lib);
            for (Function f : lib.functions.values()) {
                functions.putIfAbsent(key(f.name), f);
            }
        }

        void unlink(Library lib) {
            libraries.remove(lib.name);
            for (Function f : lib.functions.values()) {
                functions.remove(key(f.name), f);
            }
        }
    }

    FunctionLibraries(ScriptRunner runner) {
        this.runner = runner;
        this.bridge = new LuaBridge(runner, false);
        buildLoadApi();
    }

    /** Function names are looked up ignoring ASCII case (functionDictType). */
    static String key(String name) {
        StringBuilder sb = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char ch = name.charAt(i);
            sb.append(ch >= 'A' && ch <= 'Z' ? (char) (ch + 32) : ch);
        }
        return sb.toString();
    }

    // ---- the load-time API (luaEngineInitEngine) ----

    private void buildLoadApi() {
        FunctionGlobals g = bridge.functionGlobals();
        ReadOnlyTable redis = g.loadRedis();
        redis.rawset("register_function", new RegisterFunction());
        LuaTable full = (LuaTable) bridge.globals.rawget("redis");
        for (String name : new String[] {"log", "LOG_DEBUG", "LOG_VERBOSE", "LOG_NOTICE", "LOG_WARNING",
            "REDIS_VERSION", "REDIS_VERSION_NUM"}) {
            redis.rawset(name, full.rawget(name));
        }
        g.sealLoadApi();
    }

    private static LuaError registerError(String message) {
        return new LuaError(LuaReplies.errorTable("ERR " + message));
    }

    /** redis.register_function(name, callback) or redis.register_function{function_name=..., callback=..., ...}. */
    private final class RegisterFunction extends VarArgFunction {
        @Override
        public Varargs invoke(Varargs args) {
            Library lib = loading;
            if (lib == null) {
                throw registerError("redis.register_function can only be called on FUNCTION LOAD command");
            }
            String name;
            LuaFunction callback;
            byte[] description = null;
            int flags = 0;
            int argc = args.narg();
            if (argc < 1 || argc > 2) {
                throw registerError("wrong number of arguments to redis.register_function");
            }
            if (argc == 2) {
                name = stringOf(args.arg(1));
                if (name == null) {
                    throw registerError("first argument to redis.register_function must be a string");
                }
                if (!args.arg(2).isfunction()) {
                    throw registerError("second argument to redis.register_function must be a function");
                }
                callback = (LuaFunction) args.arg(2);
            } else {
                if (!args.arg1().istable()) {
                    throw registerError("calling redis.register_function with a single argument is only "
                            + "applicable to Lua table (representing named arguments).");
                }
                LuaTable t = (LuaTable) args.arg1();
                name = null;
                callback = null;
                for (Varargs e = t.next(LuaValue.NIL); !e.arg1().isnil(); e = t.next(e.arg1())) {
                    LuaValue k = e.arg1();
                    LuaValue v = e.arg(2);
                    if (!k.isstring()) {
                        throw registerError("named argument key given to redis.register_function is not a string");
                    }
                    String key = stringOf(k);
                    if (key.equalsIgnoreCase("function_name")) {
                        name = stringOf(v);
                        if (name == null) {
                            throw registerError("function_name argument given to redis.register_function must be a "
                                    + "string");
                        }
                    } else if (key.equalsIgnoreCase("description")) {
                        String d = stringOf(v);
                        if (d == null) {
                            throw registerError("description argument given to redis.register_function must be a "
                                    + "string");
                        }
                        description = v.type() == LuaValue.TSTRING ? RedisLibrary.bytesOf(v.checkstring())
                                : d.getBytes(StandardCharsets.ISO_8859_1);
                    } else if (key.equalsIgnoreCase("callback")) {
                        if (!v.isfunction()) {
                            throw registerError("callback argument given to redis.register_function must be a "
                                    + "function");
                        }
                        callback = (LuaFunction) v;
                    } else if (key.equalsIgnoreCase("flags")) {
                        if (!v.istable()) {
                            throw registerError("flags argument to redis.register_function must be a table "
                                    + "representing function flags");
                        }
                        flags = readFlags(v);
                        if (flags < 0) {
                            throw registerError("unknown flag given");
                        }
                    } else {
                        throw registerError("unknown argument given to redis.register_function");
                    }
                }
                if (name == null) {
                    throw registerError("redis.register_function must get a function name argument");
                }
                if (callback == null) {
                    throw registerError("redis.register_function must get a callback argument");
                }
            }
            if (!validName(name)) {
                // Redis 7.0 words this error for function names as for library names
                throw registerError("Library names can only contain letters, numbers, or underscores(_) and must "
                        + "be at least one character long");
            }
            if (lib.functions.containsKey(name)) {
                throw registerError("Function already exists in the library");
            }
            lib.functions.put(name, new Function(name, callback, description, flags, lib));
            return LuaValue.NONE;
        }
    }

    /** luaGetStringSds: a string's text, a number as Lua prints it, otherwise null. */
    private static String stringOf(LuaValue v) {
        if (v.type() == LuaValue.TSTRING) {
            return new String(RedisLibrary.bytesOf(v.checkstring()), StandardCharsets.ISO_8859_1);
        }
        if (v.type() == LuaValue.TNUMBER) {
            return LuaBridge.formatNumber(v.todouble());
        }
        return null;
    }

    /** luaRegisterFunctionReadFlags: the array part up to its first nil, each a flag name in any case; -1 if unknown. */
    private static int readFlags(LuaValue table) {
        int flags = 0;
        for (int i = 1; ; i++) {
            LuaValue v = table.get(i);
            if (v.isnil()) {
                return flags;
            }
            String name = stringOf(v);
            int flag = name == null ? 0 : ScriptFlags.byName(name, true);
            if (flag == 0) {
                return -1;
            }
            flags |= flag;
        }
    }

    /** functionsVerifyName: letters, digits and underscores, at least one. */
    private static boolean validName(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char ch = name.charAt(i);
            if (!(ch >= 'a' && ch <= 'z') && !(ch >= 'A' && ch <= 'Z') && !(ch >= '0' && ch <= '9') && ch != '_') {
                return false;
            }
        }
        return true;
    }

    // ---- creating libraries (functionsCreateWithLibraryCtx) ----

    /** A library that cannot be created, with Redis's text (without the ERR code). */
    public static final class LibraryError extends Exception {
        LibraryError(String message) {
            super(message, null, false, false);
        }

        /** The error reply's bytes, ERR code first (the message holds Lua's bytes one char each). */
        public byte[] reply() {
            return ("ERR " + getMessage()).getBytes(StandardCharsets.ISO_8859_1);
        }
    }

    /** Creates the library {@code code} defines into {@code ctx}; returns its name. */
    private String create(byte[] code, boolean replace, Context ctx, long timeoutMillis) throws LibraryError {
        if (code.length < 2 || code[0] != '#' || code[1] != '!') {
            throw new LibraryError("Missing library metadata");
        }
        int end = EvalScripts.indexOf(code, (byte) '\n');
        if (end < 0) {
            throw new LibraryError("Invalid library metadata");
        }
        List<String> parts = io.cinnabar.server.exec.ConfigParam.splitArgs(
                new String(code, 0, EvalScripts.cLength(code, end), StandardCharsets.ISO_8859_1));
        if (parts == null || parts.isEmpty()) {
            throw new LibraryError("Invalid library metadata");
        }
        String engine = parts.get(0).substring(2);
        String name = null;
        for (int i = 1; i < parts.size(); i++) {
            String part = parts.get(i);
            if (part.regionMatches(true, 0, "name=", 0, 5)) {
                if (name != null) {
                    throw new LibraryError("Invalid metadata value, name argument was given multiple times");
                }
                name = part.substring(5);
                continue;
            }
            throw new LibraryError("Invalid metadata value given: " + part);
        }
        if (name == null) {
            throw new LibraryError("Library name was not given");
        }
        if (!validName(name)) {
            throw new LibraryError("Library names can only contain letters, numbers, or underscores(_) and must be "
                    + "at least one character long");
        }
        if (!engine.equalsIgnoreCase("lua")) {
            throw new LibraryError("Engine '" + engine + "' not found");
        }
        Library old = ctx.libraries.get(name);
        if (old != null && !replace) {
            throw new LibraryError("Library '" + name + "' already exists");
        }
        if (old != null) {
            ctx.unlink(old);
        }
        try {
            Library lib = new Library(name, code);
            LuaFunction chunk;
            try {
                chunk = bridge.compile(code, end);
            } catch (LuaBridge.CompileError e) {
                throw new LibraryError("Error compiling function: " + e.getMessage());
            }
            loading = lib;
            byte[] failure;
            try {
                failure = bridge.runLibraryCode(chunk, timeoutMillis);
            } finally {
                loading = null;
            }
            if (failure != null) {
                throw new LibraryError("Error registering functions: " + new String(failure, StandardCharsets.ISO_8859_1));
            }
            if (lib.functions.isEmpty()) {
                throw new LibraryError("No functions registered");
            }
            for (Function f : lib.functions.values()) {
                if (ctx.functions.containsKey(key(f.name))) {
                    throw new LibraryError("Function " + f.name + " already exists");
                }
            }
            ctx.link(lib);
            old = null;
            return name;
        } finally {
            if (old != null) {
                ctx.link(old);
            }
        }
    }

    /** FUNCTION LOAD [REPLACE] code. */
    public String load(byte[] code, boolean replace) throws LibraryError {
        return create(code, replace, current, LOAD_TIMEOUT_MS);
    }

    /** FUNCTION DELETE: false when there is no such library. */
    public boolean delete(byte[] name) {
        Library lib = current.libraries.get(new String(name, StandardCharsets.ISO_8859_1));
        if (lib == null) {
            return false;
        }
        current.unlink(lib);
        return true;
    }

    /** FUNCTION FLUSH (freeing in the background, with ASYNC, changes nothing a client can see). */
    public void flush() {
        current = new Context();
    }

    /** The function FCALL names, or null. */
    Function find(byte[] name) {
        return current.functions.get(key(new String(name, StandardCharsets.ISO_8859_1)));
    }

    /** FCALL and FCALL_RO: null after replying an error. */
    public ScriptRunner.Run prepare(Client c, boolean ro) {
        Function f = find(c.argv[1]);
        if (f == null) {
            c.error("ERR Function not found");
            return null;
        }
        long numkeys = io.cinnabar.protocol.bytes.Numbers.parseLong(c.argv[2]);
        if (numkeys == io.cinnabar.protocol.bytes.Numbers.NOT_A_NUMBER
                && !io.cinnabar.protocol.bytes.Numbers.isLong(c.argv[2])) {
            c.error("ERR Bad number of keys provided");
            return null;
        }
        if (numkeys > c.argc - 3) {
            c.error("ERR Number of keys can't be greater than number of args");
            return null;
        }
        if (numkeys < 0) {
            c.error("ERR Number of keys can't be negative");
            return null;
        }
        return runner.prepare(c, bridge, f.callback, f.name, f.flags, ro, (int) numkeys);
    }

    /** The flags of the function an FCALL names (fcallGetCommandFlags), or -1 when there is none. */
    int flagsOf(byte[] name) {
        Function f = find(name);
        return f == null ? -1 : f.flags;
    }

    // ---- FUNCTION LIST / STATS ----

    /** FUNCTION LIST [WITHCODE] [LIBRARYNAME pattern], after its arguments were read. */
    public void list(ReplyWriter w, byte[] pattern, boolean withCode) {
        List<Library> libs = new ArrayList<>();
        for (Library lib : current.libraries.values()) {
            if (pattern == null || Glob.matches(pattern, lib.name.getBytes(StandardCharsets.ISO_8859_1), true)) {
                libs.add(lib);
            }
        }
        w.array(libs.size());
        for (Library lib : libs) {
            w.map(withCode ? 4 : 3);
            w.bulk("library_name");
            w.bulk(lib.name.getBytes(StandardCharsets.ISO_8859_1));
            w.bulk("engine");
            w.bulk(ENGINE);
            w.bulk("functions");
            w.array(lib.functions.size());
            for (Function f : lib.functions.values()) {
                w.map(3);
                w.bulk("name");
                w.bulk(f.name.getBytes(StandardCharsets.ISO_8859_1));
                w.bulk("description");
                if (f.description == null) {
                    w.nullBulk();
                } else {
                    w.bulk(f.description);
                }
                w.bulk("flags");
                int n = Integer.bitCount(f.flags);
                w.set(n);
                for (int i = 0; i < ScriptFlags.DECLARABLE.length; i++) {
                    if ((f.flags & ScriptFlags.DECLARABLE[i]) != 0) {
                        w.simple(ScriptFlags.NAMES[i]);
                    }
                }
            }
            if (withCode) {
                w.bulk("library_code");
                w.bulk(lib.code);
            }
        }
    }

    /** INFO number_of_libraries and FUNCTION STATS libraries_count. */
    public int libraryCount() {
        return current.libraries.size();
    }

    /** INFO number_of_functions and FUNCTION STATS functions_count. */
    public int functionCount() {
        return current.functions.size();
    }

    /** INFO used_memory_functions: an estimate of the libraries' code and index, as functionsMemoryOverhead. */
    public long memory() {
        long sum = 200;
        for (Library lib : current.libraries.values()) {
            sum += lib.code.length + 64 + lib.name.length();
            for (Function f : lib.functions.values()) {
                sum += 96 + f.name.length() + (f.description == null ? 0 : f.description.length);
            }
        }
        return sum;
    }

    // ---- FUNCTION DUMP / RESTORE ----

    /** FUNCTION DUMP: every library's code as an RDB FUNCTION2 record, then the RDB version and CRC-64. */
    public byte[] dump(boolean compress) {
        RdbOutput out = new RdbOutput(256, compress);
        for (Library lib : current.libraries.values()) {
            out.write(OPCODE_FUNCTION2);
            out.writeString(lib.code);
        }
        return DumpPayload.finish(out);
    }

    /** FUNCTION RESTORE's policies. */
    public enum RestorePolicy { APPEND, REPLACE, FLUSH }

    /** FUNCTION RESTORE payload [policy]: throws with Redis's text (without the ERR code). */
    public void restore(byte[] payload, RestorePolicy policy) throws LibraryError {
        if (!DumpPayload.verify(payload)) {
            throw new LibraryError("DUMP payload version or checksum are wrong");
        }
        Context restored = new Context();
        // the records are read from the whole payload, footer included, as Redis's rio over the buffer does
        RdbInput in = new RdbInput(payload, 0, payload.length);
        while (payload.length - in.offset() > 10) {
            int type = readType(in);
            if (type != OPCODE_FUNCTION && type != OPCODE_FUNCTION2) {
                throw new LibraryError("given type is not a function");
            }
            byte[] code = type == OPCODE_FUNCTION2 ? readFunction2(in) : readFunction(in);
            create(code, false, restored, 0);
        }
        if (policy == RestorePolicy.FLUSH) {
            current = restored;
            return;
        }
        join(restored, policy == RestorePolicy.REPLACE);
    }

    private static int readType(RdbInput in) throws LibraryError {
        try {
            return in.readByte();
        } catch (java.io.IOException e) {
            return -1;
        }
    }

    /** rdbGenericLoadStringObject: the string, or null where Redis's loader fails. */
    private static byte[] readString(RdbInput in) {
        try {
            return in.readString();
        } catch (java.io.IOException e) {
            return null;
        }
    }

    private static byte[] readFunction2(RdbInput in) throws LibraryError {
        byte[] code = readString(in);
        if (code == null) {
            throw new LibraryError("Failed loading library payload");
        }
        return code;
    }

    /** The format of Redis 7.0's release candidates: name, engine, optional description, then the body. */
    private static byte[] readFunction(RdbInput in) throws LibraryError {
        byte[] name = readString(in);
        if (name == null) {
            throw new LibraryError("Failed loading library name");
        }
        byte[] engine = readString(in);
        if (engine == null) {
            throw new LibraryError("Failed loading engine name");
        }
        long hasDescription;
        try {
            hasDescription = in.readLength();
        } catch (java.io.IOException e) {
            throw new LibraryError("Failed loading library description indicator");
        }
        if (hasDescription != 0 && readString(in) == null) {
            throw new LibraryError("Failed loading library description");
        }
        byte[] blob = readString(in);
        if (blob == null) {
            throw new LibraryError("Failed loading library blob");
        }
        ByteArrayOutputStream code = new ByteArrayOutputStream();
        code.writeBytes(("#!" + new String(engine, StandardCharsets.ISO_8859_1) + " name="
                + new String(name, StandardCharsets.ISO_8859_1) + "\n").getBytes(StandardCharsets.ISO_8859_1));
        code.writeBytes(blob);
        return code.toByteArray();
    }

    /** libraryJoin: adds the restored libraries, replacing same-named ones if asked, or changes nothing. */
    private void join(Context restored, boolean replace) throws LibraryError {
        List<Library> replaced = new ArrayList<>();
        try {
            for (Library lib : restored.libraries.values()) {
                Library old = current.libraries.get(lib.name);
                if (old != null) {
                    if (!replace) {
                        throw new LibraryError("Library " + lib.name + " already exists");
                    }
                    current.unlink(old);
                    replaced.add(old);
                }
            }
            for (Function f : restored.functions.values()) {
                if (current.functions.containsKey(key(f.name))) {
                    throw new LibraryError("Function " + f.name + " already exists");
                }
            }
            for (Library lib : restored.libraries.values()) {
                current.link(lib);
            }
            replaced.clear();
        } finally {
            for (Library old : replaced) {
                current.link(old);
            }
        }
    }

    // ---- RDB files ----

    /** Each library's code, in creation order: the FUNCTION2 records of an RDB file, the AOF rewrite's FUNCTION LOAD. */
    public List<byte[]> libraryCodes() {
        List<byte[]> codes = new ArrayList<>(current.libraries.size());
        for (Library lib : current.libraries.values()) {
            codes.add(lib.code);
        }
        return codes;
    }

    /**
     * Creates the libraries an RDB file held (rdbFunctionLoad), all or none: into an empty set, or with
     * {@code keepCurrent} beside the current ones, a same-named one replaced only if {@code replace} (DEBUG RELOAD
     * MERGE), else failing as Redis's load does.
     */
    public void installLoaded(List<byte[]> codes, boolean keepCurrent, boolean replace) throws LibraryError {
        Context ctx = new Context();
        if (keepCurrent) {
            for (Library lib : current.libraries.values()) {
                ctx.link(lib);
            }
        }
        for (byte[] code : codes) {
            create(code, replace, ctx, 0);
        }
        current = ctx;
    }

    Map<String, Library> libraries() {
        return current.libraries;
    }

    void close() {
        bridge.close();
    }
}
