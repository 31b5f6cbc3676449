package io.cinnabar.server.script;

/**
 * Script flags as script.c defines them: declared by an EVAL shebang ({@code #!lua flags=...}) or by
 * redis.register_function's {@code flags}, in Redis's bit order (FUNCTION LIST prints them in this order).
 *
 * <p>Ported from Redis 7.0 (script.c), Copyright (c) 2006-2022 Salvatore Sanfilippo and Redis Ltd., BSD-3-Clause;
 * see NOTICE.
 */
final class ScriptFlags {
    static final int NO_WRITES = 1;
    static final int ALLOW_OOM = 1 << 1;
    static final int ALLOW_STALE = 1 << 2;
    static final int NO_CLUSTER = 1 << 3;
    /** An EVAL script without a shebang: Redis 7.0 keeps the pre-7.0 behaviour for it. */
    static final int EVAL_COMPAT_MODE = 1 << 4;
    static final int ALLOW_CROSS_SLOT = 1 << 5;

    /** scripts_flags_def: the flags a script may declare, with their names. */
    static final int[] DECLARABLE = {NO_WRITES, ALLOW_OOM, ALLOW_STALE, NO_CLUSTER, ALLOW_CROSS_SLOT};
    static final String[] NAMES = {"no-writes", "allow-oom", "allow-stale", "no-cluster", "allow-cross-slot-keys"};

    private ScriptFlags() {
    }

    /** The flag called {@code name} (exactly, or ignoring case), or 0. */
    static int byName(String name, boolean ignoreCase) {
        for (int i = 0; i < NAMES.length; i++) {
            if (ignoreCase ? NAMES[i].equalsIgnoreCase(name) : NAMES[i].equals(name)) {
                return DECLARABLE[i];
            }
        }
        return 0;
    }
}
