package io.cinnabar.server.script;

import io.cinnabar.protocol.reply.ReplyWriter;
import io.cinnabar.server.exec.Client;
import io.cinnabar.server.exec.Engine;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.luaj.vm2.LuaFunction;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;

/**
 * What Redis's script.c keeps for the one script that runs at a time, EVAL or FCALL alike: the checks made before it
 * starts (scriptPrepareForRun), whether it wrote, SCRIPT KILL and FUNCTION KILL, what FUNCTION STATS reports about
 * it, and what happens once it runs past busy-reply-threshold (scriptInterrupt): from then on its instruction hook
 * serves the sockets between instructions, so the other clients get BUSY and a KILL can reach it. Scripts run on the
 * executor thread, as in Redis. Not thread-safe: executor thread.
 *
 * <p>Ported from Redis 7.0 (script.c), Copyright (c) 2006-2022 Salvatore Sanfilippo and Redis Ltd., BSD-3-Clause;
 * see NOTICE.
 */
public final class ScriptRunner {
    static final String SLOW_EVAL = "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.";
    static final String SLOW_FUNCTION =
            "BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.";
    /** How often a script past busy-reply-threshold serves the sockets (each time costs a system call). */
    private static final long SERVE_INTERVAL_NANOS = 1_000_000;

    private final Engine engine;
    /** Redis's rand48 is one per process: EVAL's and the functions' math.random draw from the same sequence. */
    final LuaRandom random = new LuaRandom();
    /** The running script, or null. */
    private Run current;
    private boolean killRequested;
    /** SCRIPT_WRITE_DIRTY: the running script called a write command, so it can no longer be killed. */
    private boolean wrote;
    /** When the running script passes busy-reply-threshold (Long.MAX_VALUE: never). */
    private long busyAtNanos = Long.MAX_VALUE;
    /** SCRIPT_TIMEDOUT: it did, and the executor answers BUSY while it goes on. */
    private boolean timedOut;
    private long nextServeNanos;

    ScriptRunner(Engine engine) {
        this.engine = engine;
    }

    /**
     * One invocation: its reply is written to a private buffer that {@link #deliver} copies to the caller, so a
     * script that serves the sockets meanwhile never hands a half-written reply to the caller's socket.
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
        long startedNanos;
        /**
         * The caller's command, for FUNCTION STATS while the script runs: its array is not reused meanwhile (the
         * caller's input waits for the reply), so it is not copied.
         */
        final byte[][] command;
        final int commandLength;
        boolean failed;
        /** The script's writes, handed to the propagation tap by {@link #deliver}. */
        io.cinnabar.server.db.EffectsBatch effects;

        Run(LuaBridge bridge, LuaFunction function, String name, LuaTable keys, LuaTable args, boolean readOnly,
            Client caller) {
            this.bridge = bridge;
            this.function = function;
            this.name = name;
            this.keys = keys;
            this.args = args;
            this.readOnly = readOnly;
            this.command = caller.argv;
            this.commandLength = caller.argc;
            out.protocol(caller.reply.protocol());
        }

        public String name() {
            return name;
        }

        public boolean eval() {
            return bridge.evalMode();
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
     * Runs the script to its end on this thread. Nothing else runs on the executor meanwhile, as in Redis, except
     * what the hook serves once the script is past busy-reply-threshold: that needs a caller outside the event
     * loop's socket dispatch ({@link io.cinnabar.server.exec.IoLoop#inIo}), which the command makes sure of.
     */
    void run(Run run) {
        long threshold = engine.config().busyReplyThreshold();
        run.startedNanos = System.nanoTime();
        busyAtNanos = threshold > 0 ? run.startedNanos + threshold * 1_000_000 : Long.MAX_VALUE;
        killRequested = false;
        wrote = false;
        current = run;
        engine.scriptStarting();
        try {
            run.bridge.execute(run);
        } finally {
            current = null;
            busyAtNanos = Long.MAX_VALUE;
        }
    }

    /** Runs {@code body} (a library's load-time code) with the same interrupt checks, without busy handling. */
    void runLoadCode(Runnable body) {
        engine.scriptStarting();
        try {
            body.run();
        } finally {
            engine.scriptEnded();
        }
    }

    /** Whether the last script ran past busy-reply-threshold (the executor answered BUSY meanwhile). */
    boolean timedOut() {
        return timedOut;
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

    /**
     * Called by the instruction hook every 1024 instructions of the running script: past busy-reply-threshold it
     * serves the sockets (at most once a millisecond), and a SCRIPT KILL, FUNCTION KILL or SHUTDOWN NOSAVE served
     * there stops the script.
     */
    void checkInterrupts() {
        long now = System.nanoTime();
        if (now >= busyAtNanos && now >= nextServeNanos) {
            if (!timedOut) {
                enterTimedOut();
            }
            nextServeNanos = now + SERVE_INTERVAL_NANOS;
            io.cinnabar.server.exec.IoLoop loop = engine.ioLoop();
            if (loop != null && !loop.inIo()) {
                loop.serveIoNow();
            }
        }
        if (killRequested) {
            throw new ScriptInterrupt("ERR Script killed by user with SCRIPT KILL...");
        }
        if (engine.stopping()) {
            throw new ScriptInterrupt("ERR Script killed by user with SHUTDOWN NOSAVE");
        }
    }

    private void enterTimedOut() {
        Run run = current;
        timedOut = true;
        engine.log().warning("Slow script detected: still in execution after "
                + engine.config().busyReplyThreshold() + " milliseconds. You can try killing the script using the "
                + (run.eval() ? "SCRIPT KILL" : "FUNCTION KILL") + " command. Script name is: " + run.name() + ".");
        engine.enterScriptBusy(run.eval());
    }

    /** The script that timed out was delivered: the executor serves everything again. */
    void leaveTimedOut() {
        timedOut = false;
        engine.leaveScriptBusy();
    }

    void close() {
        killRequested = true;
    }

    Engine engine() {
        return engine;
    }

}
