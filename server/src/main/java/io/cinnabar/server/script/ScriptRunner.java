package io.cinnabar.server.script;

import io.cinnabar.protocol.reply.ReplyWriter;
import io.cinnabar.server.exec.Client;
import io.cinnabar.server.exec.Engine;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import org.luaj.vm2.LuaFunction;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;

/**
 * What Redis's script.c keeps for the one script that runs at a time, EVAL or FCALL alike: the checks made before it
 * starts (scriptPrepareForRun), the thread it runs on, whether it wrote, SCRIPT KILL and FUNCTION KILL, and what
 * FUNCTION STATS reports about it. Not thread-safe: prepared and delivered on the executor, run on the script thread,
 * which owns the keyspace meanwhile; the volatile fields are the ones the executor reads while a slow script runs.
 *
 * <p>Ported from Redis 7.0 (script.c), Copyright (c) 2006-2022 Salvatore Sanfilippo and Redis Ltd., BSD-3-Clause;
 * see NOTICE.
 */
public final class ScriptRunner {
    static final String SLOW_EVAL = "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.";
    static final String SLOW_FUNCTION =
            "BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.";

    private final Engine engine;
    /** Redis's rand48 is one per process: EVAL's and the functions' math.random draw from the same sequence. */
    final LuaRandom random = new LuaRandom();
    private ScriptThread thread;
    /** The running script, or null. */
    private volatile Run current;
    private volatile boolean killRequested;
    /** SCRIPT_WRITE_DIRTY: the running script called a write command, so it can no longer be killed. */
    private volatile boolean wrote;

    ScriptRunner(Engine engine) {
        this.engine = engine;
    }

    /**
     * One invocation: prepared on the executor, run on the script thread, its reply written to a private buffer that
     * the executor copies to the caller (the caller's own buffer belongs to the executor's network side).
     */
    public static final class Run {
        final LuaBridge bridge;
        final LuaFunction function;
        /** The name errors and FUNCTION STATS give it: the SHA1 of an EVAL script, a function's name. */
        final String name;
        final LuaTable keys;
        final LuaTable args;
        final boolean readOnly;
        final ByteBuf buffer = Unpooled.buffer(64);
        final ReplyWriter out = new ReplyWriter(buffer);
        final long startedNanos = System.nanoTime();
        /** The caller's command, for FUNCTION STATS (copied: the request's arrays are reused). */
        final byte[][] command;
        volatile boolean failed;
        CompletableFuture<Void> future;
        /** The script's writes, handed to the propagation tap by {@link #deliver}, on the executor thread. */
        io.cinnabar.server.db.EffectsBatch effects;

        Run(LuaBridge bridge, LuaFunction function, String name, LuaTable keys, LuaTable args, boolean readOnly,
            Client caller) {
            this.bridge = bridge;
            this.function = function;
            this.name = name;
            this.keys = keys;
            this.args = args;
            this.readOnly = readOnly;
            this.command = java.util.Arrays.copyOf(caller.argv, caller.argc);
            out.protocol(caller.reply.protocol());
        }

        public String name() {
            return name;
        }

        public boolean eval() {
            return bridge.evalMode();
        }

        public CompletableFuture<Void> future() {
            return future;
        }
    }

    /**
     * scriptPrepareForRun's checks (only the ones a server without replication, persistence errors, maxmemory or
     * cluster can fail), then KEYS and ARGV from the caller's arguments; null after replying an error.
     */
    Run prepare(Client c, LuaBridge bridge, LuaFunction function, String name, int flags, boolean ro, int numkeys) {
        boolean compat = (flags & ScriptFlags.EVAL_COMPAT_MODE) != 0;
        if (!compat && (flags & ScriptFlags.NO_WRITES) == 0 && ro) {
            c.error("ERR Can not execute a script with write flag using *_ro command.");
            return null;
        }
        LuaTable keys = new LuaTable(numkeys, 0);
        for (int i = 0; i < numkeys; i++) {
            keys.rawset(i + 1, LuaString.valueUsing(c.argv[3 + i]));
        }
        int argc = c.argc - 3 - numkeys;
        LuaTable args = new LuaTable(argc, 0);
        for (int i = 0; i < argc; i++) {
            args.rawset(i + 1, LuaString.valueUsing(c.argv[3 + numkeys + i]));
        }
        bridge.prepareClient(c);
        boolean readOnly = ro || (!compat && (flags & ScriptFlags.NO_WRITES) != 0);
        return new Run(bridge, function, name, keys, args, readOnly, c);
    }

    /**
     * Runs the script on the script thread and waits for it up to {@code millis} (0: no limit). Nothing else runs on
     * the executor meanwhile, as in Redis. Returns true when it finished; false when it is still running, and the
     * executor should go back to answering BUSY until {@link Run#future()} completes.
     */
    boolean runWithin(Run run, long millis) {
        run.future = new CompletableFuture<>();
        engine.scriptStarting();
        ScriptThread.Task task = new ScriptThread.Task(() -> execute(run));
        long left = millis <= 0 ? 0 : Math.max(1, millis - (System.nanoTime() - run.startedNanos) / 1_000_000);
        boolean finished = thread().runWithin(task, left, () -> run.future.complete(null));
        if (finished) {
            run.future.complete(null);
        }
        return finished;
    }

    /** Runs {@code body} on the script thread (its deep stack) and waits for it without limit. */
    void runOnScriptThread(Runnable body) {
        engine.scriptStarting();
        try {
            thread().runWithin(new ScriptThread.Task(body), 0, () -> { });
        } finally {
            engine.scriptEnded();
        }
    }

    private ScriptThread thread() {
        if (thread == null) {
            thread = new ScriptThread();
        }
        return thread;
    }

    private void execute(Run run) {
        killRequested = false;
        wrote = false;
        current = run;
        try {
            run.bridge.execute(run);
        } finally {
            current = null;
        }
    }

    /**
     * Copies a finished script's reply to its caller, propagates its writes and sends what it produced for other
     * clients (MONITOR lines), on the executor.
     */
    void deliver(Client c, Run run) {
        engine.scriptEnded();
        if (run.effects != null) {
            run.effects.replayInto(engine.keyspace().propagator());
            run.effects = null;
        }
        try {
            if (c.reply.buffer().refCnt() > 0) {
                c.reply.buffer().writeBytes(run.buffer);
                if (run.failed) {
                    c.markFailed();
                }
            }
        } finally {
            run.buffer.release();
        }
    }

    // ---- state other commands see ----

    boolean running() {
        return current != null;
    }

    /** SCRIPT_WRITE_DIRTY: set by redis.call before it runs a write command. */
    void wrote() {
        wrote = true;
    }

    /**
     * scriptKill: SCRIPT KILL ({@code eval}) or FUNCTION KILL. A script that wrote cannot be killed, and each command
     * kills only its own kind.
     */
    void kill(Client c, boolean eval) {
        Run run = current;
        if (run == null) {
            c.error("NOTBUSY No scripts in execution right now.");
        } else if (wrote) {
            c.error("UNKILLABLE Sorry the script already executed write commands against the dataset. You can "
                    + "either wait the script termination or kill the server in a hard way using the SHUTDOWN "
                    + "NOSAVE command.");
        } else if (eval && !run.eval()) {
            c.error(SLOW_FUNCTION);
        } else if (!eval && run.eval()) {
            c.error(SLOW_EVAL);
        } else {
            killRequested = true;
            c.reply.ok();
        }
    }

    /** The BUSY error other clients get while the running script owns the server. */
    String busyError() {
        Run run = current;
        return run == null || run.eval() ? SLOW_EVAL : SLOW_FUNCTION;
    }

    /** The running script (for FUNCTION STATS), or null. */
    Run current() {
        return current;
    }

    /** Called by the instruction hook every 1024 instructions of the running script. */
    void checkInterrupts() {
        if (killRequested) {
            throw new ScriptInterrupt("ERR Script killed by user with SCRIPT KILL...");
        }
        if (engine.stopping()) {
            throw new ScriptInterrupt("ERR Script killed by user with SHUTDOWN NOSAVE");
        }
    }

    void close() {
        killRequested = true;
        if (thread != null) {
            thread.stop();
        }
    }

    Engine engine() {
        return engine;
    }

}
