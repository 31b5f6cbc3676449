package io.cinnabar.server.script;

import io.cinnabar.server.exec.Client;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.luaj.vm2.LuaFunction;

/**
 * EVAL's side of scripting, as Redis's eval.c: the script cache keyed by SHA1, the shebang line
 * ({@code #!lua flags=...}) that opts a script out of the pre-7.0 behaviour, SCRIPT LOAD/EXISTS/FLUSH, and one Lua
 * VM of its own, replaced by SCRIPT FLUSH as Redis replaces its Lua state. Not thread-safe: executor thread.
 *
 * <p>Ported from Redis 7.0 (eval.c), Copyright (c) 2006-2022 Salvatore Sanfilippo and Redis Ltd., BSD-3-Clause;
 * see NOTICE.
 */
public final class EvalScripts {
    public static final String NOSCRIPT = "NOSCRIPT No matching script. Please use EVAL.";
    private final ScriptRunner runner;
    private LuaBridge bridge;
    private final Map<String, Script> scripts = new HashMap<>();

    /** A cached script, with the flags its shebang declared (EVAL_COMPAT_MODE without one). */
    private record Script(byte[] body, LuaFunction function, int flags) {
    }

    EvalScripts(ScriptRunner runner) {
        this.runner = runner;
        this.bridge = new LuaBridge(runner, true);
    }

    public static String sha1hex(byte[] body) {
        try {
            return java.util.HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** INFO number_of_cached_scripts. */
    public int cachedScripts() {
        return scripts.size();
    }

    /** INFO used_memory_scripts_eval: the cached bodies and their SHA1 keys, as Redis's lua_scripts_mem. */
    public long cachedScriptBytes() {
        long sum = 0;
        for (Script s : scripts.values()) {
            sum += s.body().length + 40;
        }
        return sum;
    }

    /** Redis's error text for a script that cannot be loaded (bad shebang, compile error), without its code. */
    public static final class LoadError extends Exception {
        LoadError(String message) {
            super(message, null, false, false);
        }

        /** The error reply's bytes (the message holds Lua's bytes one char each). */
        public byte[] reply() {
            return getMessage().getBytes(StandardCharsets.ISO_8859_1);
        }
    }

    /** SCRIPT LOAD and EVAL's first sight of a body: compiles and caches it, returns its SHA1. */
    public String load(byte[] body) throws LoadError {
        String sha = sha1hex(body);
        if (!scripts.containsKey(sha)) {
            scripts.put(sha, compile(body));
        }
        return sha;
    }

    private Script compile(byte[] body) throws LoadError {
        int[] shebangLength = new int[1];
        int flags = shebangFlags(body, shebangLength);
        try {
            return new Script(body, bridge.compile(body, shebangLength[0]), flags);
        } catch (LuaBridge.CompileError e) {
            throw new LoadError("ERR Error compiling script (new function): " + e.getMessage());
        }
    }

    /**
     * evalExtractShebangFlags: a first line {@code #!lua [flags=a,b]} declares the script's flags (and leaves
     * compatibility mode); {@code length[0]} gets the shebang's length, the part not compiled.
     */
    static int shebangFlags(byte[] body, int[] length) throws LoadError {
        if (body.length < 2 || body[0] != '#' || body[1] != '!') {
            return ScriptFlags.EVAL_COMPAT_MODE;
        }
        int end = indexOf(body, (byte) '\n');
        if (end < 0) {
            throw new LoadError("ERR Invalid script shebang");
        }
        length[0] = end;
        List<String> parts = io.cinnabar.server.exec.ConfigParam.splitArgs(
                new String(body, 0, cLength(body, end), StandardCharsets.ISO_8859_1));
        if (parts == null || parts.isEmpty()) {
            throw new LoadError("ERR Invalid engine in script shebang");
        }
        if (!parts.get(0).equals("#!lua")) {
            throw new LoadError("ERR Unexpected engine in script shebang: " + parts.get(0));
        }
        int flags = 0;
        for (int i = 1; i < parts.size(); i++) {
            String part = parts.get(i);
            if (!part.startsWith("flags=")) {
                throw new LoadError("ERR Unknown lua shebang option: " + part);
            }
            String list = part.substring(6);
            if (list.isEmpty()) {
                continue; // sdssplitlen of an empty string yields no element
            }
            for (String name : list.split(",", -1)) {
                int flag = ScriptFlags.byName(name, false);
                if (flag == 0) {
                    throw new LoadError("ERR Unexpected flag in script shebang: " + name);
                }
                flags |= flag;
            }
        }
        return flags;
    }

    static int indexOf(byte[] b, byte c) {
        for (int i = 0; i < b.length; i++) {
            if (b[i] == c) {
                return i;
            }
        }
        return -1;
    }

    /** The length C string functions see: up to the first NUL, at most {@code max}. */
    static int cLength(byte[] b, int max) {
        int n = 0;
        while (n < max && b[n] != 0) {
            n++;
        }
        return n;
    }

    public boolean exists(String sha) {
        return scripts.containsKey(sha.toLowerCase(java.util.Locale.ROOT));
    }

    /** SCRIPT FLUSH: the cache and the Lua VM go (scriptingReset), so state kept in the VM (cjson's settings) too. */
    public void flush() {
        scripts.clear();
        bridge.close();
        bridge = new LuaBridge(runner, true);
    }

    /**
     * EVAL and friends after the numkeys checks: finds or compiles the script, checks its flags against the call and
     * readies KEYS and ARGV; null after replying an error (NOSCRIPT, compile error, ...).
     */
    public ScriptRunner.Run prepare(Client c, byte[] body, String sha, int numkeys, boolean ro) {
        Script script;
        if (body != null) {
            try {
                sha = load(body);
            } catch (LoadError e) {
                c.error(e.reply());
                return null;
            }
            script = scripts.get(sha);
        } else {
            script = sha.length() == 40 ? scripts.get(sha.toLowerCase(java.util.Locale.ROOT)) : null;
            if (script == null) {
                c.error(NOSCRIPT);
                return null;
            }
            sha = sha.toLowerCase(java.util.Locale.ROOT);
        }
        return runner.prepare(c, bridge, script.function(), sha, script.flags(), ro, numkeys);
    }

    /**
     * The flags of the script an EVAL-family call would run, for the checks made before it runs (evalGetCommandFlags):
     * the cached script's, or those its body's shebang declares; EVAL_COMPAT_MODE when unknown or undeclared.
     */
    int flagsOf(byte[] bodyOrSha, boolean bySha) {
        String sha = bySha ? new String(bodyOrSha, StandardCharsets.ISO_8859_1).toLowerCase(java.util.Locale.ROOT)
                : sha1hex(bodyOrSha);
        Script script = scripts.get(sha);
        if (script != null) {
            return script.flags();
        }
        if (bySha) {
            return ScriptFlags.EVAL_COMPAT_MODE;
        }
        try {
            return shebangFlags(bodyOrSha, new int[1]);
        } catch (LoadError e) {
            return ScriptFlags.EVAL_COMPAT_MODE;
        }
    }

    void close() {
        bridge.close();
    }
}
