package io.cinnabar.server.command;

import io.cinnabar.protocol.bytes.Ascii;
import io.cinnabar.server.db.Keyspace;
import io.cinnabar.server.error.Errors;
import io.cinnabar.server.exec.Client;
import io.cinnabar.server.exec.Config;
import io.cinnabar.server.exec.Engine;
import io.cinnabar.server.exec.LatencyHistogram;
import io.cinnabar.server.exec.LatencyTracking;
import io.netty.buffer.ByteBuf;

/**
 * Runs one request through Redis 7.0's processCommand checks, in its order and with its texts, then calls the
 * command (call()): time snapshot, statistics, slow log, MONITOR, the propagation tap, CLIENT REPLY modes.
 * Command bodies never repeat these checks. Re-entrant for scripts: a nested call keeps the outer time snapshot.
 */
public final class Dispatcher {
    private static final byte[] QUIT = Ascii.bytes("quit");
    static final io.cinnabar.server.error.ErrorReply BUSY = Errors.of(
            "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.");
    private final Engine engine;
    private final CommandTable table;
    private final Keyspace keyspace;
    private final Config config;
    private final CommandSpec debug;
    private final LatencyTracking latencyTracking;
    private final CommandSpec exec;
    private final CommandSpec discard;
    private final CommandSpec multi;
    private final CommandSpec watch;
    private final CommandSpec reset;
    private final CommandSpec evalRo;
    private final CommandSpec evalshaRo;
    /** EVAL, EVALSHA, their _RO forms, FCALL and FCALL_RO: the commands that run a script. */
    private final CommandSpec[] scriptCalls;
    private final io.cinnabar.server.pubsub.Tracking tracking;
    /** What one top-level command propagates, wrapped in MULTI/EXEC when more than one (reused). */
    private final io.cinnabar.server.db.EffectsBatch commandEffects = new io.cinnabar.server.db.EffectsBatch();

    public Dispatcher(Engine engine) {
        this.engine = engine;
        this.table = engine.commands();
        this.keyspace = engine.keyspace();
        this.config = engine.config();
        this.debug = table.byFullName("debug");
        this.latencyTracking = engine.latencyTracking();
        this.exec = table.byFullName("exec");
        this.discard = table.byFullName("discard");
        this.multi = table.byFullName("multi");
        this.watch = table.byFullName("watch");
        this.reset = table.byFullName("reset");
        this.evalRo = table.byFullName("eval_ro");
        this.evalshaRo = table.byFullName("evalsha_ro");
        this.scriptCalls = new CommandSpec[] {table.byFullName("eval"), table.byFullName("evalsha"), evalRo, evalshaRo,
            table.byFullName("fcall"), table.byFullName("fcall_ro")};
        this.tracking = engine.tracking();
    }

    /** Outcome of {@link #execute}. */
    public enum Result {
        /** Replied (possibly with an error). */
        DONE,
        /** Held by CLIENT PAUSE: keep the request in the client and stop reading its input until resumed. */
        POSTPONED
    }

    /**
     * Processes the request in {@code c.argv[0..argc)}. Under CLIENT REPLY OFF or SKIP the reply is written and
     * then taken back, errors included, judged by the mode after the command ran (CLIENT REPLY ON answers OK).
     */
    public Result execute(Client c) {
        if (c.replyMode == Client.REPLY_SKIP_NEXT) {
            c.replyMode = Client.REPLY_SKIP;
        }
        ByteBuf out = c.reply.buffer();
        int replyStart = out.writerIndex();
        Result result;
        io.cinnabar.server.exec.Client previous = tracking.enter(c);
        try {
            result = process(c);
        } catch (Exception | LinkageError | VirtualMachineError | AssertionError e) {
            internalError(c, out, replyStart, c.cmd, e);
            result = Result.DONE;
        }
        if (result == Result.DONE && (c.replyMode == Client.REPLY_OFF || c.replyMode == Client.REPLY_SKIP)) {
            if (c.reply.buffer() == out) {
                out.writerIndex(replyStart);
            }
            if (c.replyMode == Client.REPLY_SKIP && !c.parked()) {
                c.replyMode = Client.REPLY_ON; // a blocked command keeps SKIP for its reply (BlockedClients)
            }
        }
        // afterCommand: invalidations of the client's own keys follow its reply (pushes ignore CLIENT REPLY)
        tracking.leave(c, previous, result == Result.DONE);
        if (engine.blocked().hasReady() && !engine.scriptBusy()) {
            // after the whole command, a script's or EXEC's writes included; a script still running owns the
            // keyspace, and its end serves them
            engine.blocked().serveReady();
        }
        return result;
    }

    private Result process(Client c) {
        byte[][] argv = c.argv;
        int argc = c.argc;
        long now = engine.clock().millis(); // read once: the interaction time and the command's time snapshot
        c.lastInteraction = now;
        if (Ascii.equalsIgnoreCase(argv[0], QUIT)) {
            // Redis 7.0 answers QUIT before looking anything up, whatever its arguments
            c.reply.ok();
            c.closing = true;
            c.connection().closeAfterReply();
            return Result.DONE;
        }
        CommandSpec cmd = table.lookup(argv, argc);
        c.lastCmd = cmd; // CLIENT LIST cmd=: set on lookup, so rejected commands show too, unknown ones as NULL
        if (cmd == null) {
            c.flagTransaction();
            rejectUnknown(c, argv, argc);
            return Result.DONE;
        }
        c.cmd = cmd;
        if (!cmd.arityAccepts(argc)) {
            reject(c, cmd, "wrong number of arguments for '" + cmd.fullName + "' command");
            return Result.DONE;
        }
        if (!c.authenticated && !cmd.has(CommandFlags.NO_AUTH)) {
            reject(c, cmd, Errors.NOAUTH);
            return Result.DONE;
        }
        if (cmd == debug && !debugAllowed(c)) {
            reject(c, cmd, Errors.DEBUG_DISABLED);
            return Result.DONE;
        }
        if (c.inMulti() && cmd.has(CommandFlags.NO_MULTI)) {
            reject(c, cmd, "Command not allowed inside a transaction");
            return Result.DONE;
        }
        tracking.beforeCommand(); // tracking-table-max-keys, where processCommand enforces it
        String denial = engine.rdb().writeDenial();
        if (denial != null && deniedByDiskError(c, cmd)) {
            reject(c, cmd, denial == io.cinnabar.server.persist.RdbPersistence.MISCONF ? MISCONF : Errors.of(denial));
            return Result.DONE;
        }
        if (c.subscribed() && !c.resp3() && !allowedWhileSubscribed(cmd)) {
            reject(c, cmd, "Can't execute '" + cmd.fullName + "': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / "
                    + "QUIT / RESET are allowed in this context");
            return Result.DONE;
        }
        if (engine.scriptBusy()) {
            if (!cmd.has(CommandFlags.ALLOW_BUSY)) {
                reject(c, cmd, engine.busyReply()); // names SCRIPT KILL or FUNCTION KILL
                return Result.DONE;
            }
            if (c.inMulti() && queues(cmd)) {
                c.queue(cmd);
                c.reply.raw(TransactionCommands.QUEUED);
                return Result.DONE;
            }
            // a script owns the keyspace: run the command without touching time, propagation or slow log
            runHandler(c, cmd);
            cmd.calls++;
            return Result.DONE;
        }
        if (engine.paused() && engine.pausedFor(c, cmd)) {
            engine.postpone(c);
            return Result.POSTPONED;
        }
        if (c.inMulti() && queues(cmd)) {
            c.queue(cmd);
            c.reply.raw(TransactionCommands.QUEUED);
            return Result.DONE;
        }
        if (startsScriptInSocketCallback(c, cmd)) {
            // a script that ran long could not serve the other clients from inside the event loop's socket
            // dispatch (it is not reentrant): the command runs from a task instead, the client's input held
            c.waitingForScript = true;
            io.cinnabar.server.exec.Connection connection = c.connection();
            engine.executor().execute(() -> {
                c.waitingForScript = false;
                connection.resume();
            });
            return Result.POSTPONED;
        }
        keyspace.now = now;
        invoke(c, cmd);
        return Result.DONE;
    }

    private boolean startsScriptInSocketCallback(Client c, CommandSpec cmd) {
        if (!cmd.has(CommandFlags.NOSCRIPT) || c.connection() == null || config.busyReplyThreshold() <= 0) {
            return false;
        }
        io.cinnabar.server.exec.IoLoop loop = engine.ioLoop();
        if (loop == null || !loop.inIo()) {
            return false;
        }
        if (cmd == exec) {
            return c.inMulti() && c.multi().anyHas(CommandFlags.NOSCRIPT); // script calls have it (a few others too)
        }
        for (CommandSpec script : scriptCalls) {
            if (cmd == script) {
                return true;
            }
        }
        return false;
    }

    private static final io.cinnabar.server.error.ErrorReply MISCONF =
            Errors.of(io.cinnabar.server.persist.RdbPersistence.MISCONF);

    /** processCommand's disk error check applies to write commands, an EXEC of queued writes, and PING. */
    private boolean deniedByDiskError(Client c, CommandSpec cmd) {
        if (cmd.has(CommandFlags.WRITE) || cmd.fullName.equals("ping")) {
            return true;
        }
        return cmd == exec && c.inMulti() && c.multi().anyHas(CommandFlags.WRITE);
    }

    /** A RESP2 connection in pub/sub mode may only (un)subscribe, PING, QUIT and RESET. */
    private boolean allowedWhileSubscribed(CommandSpec cmd) {
        return switch (cmd.fullName) {
            case "ping", "subscribe", "ssubscribe", "unsubscribe", "sunsubscribe", "psubscribe", "punsubscribe",
                 "quit", "reset" -> true;
            default -> false;
        };
    }

    /** Inside MULTI every command but EXEC, DISCARD, MULTI, WATCH, QUIT and RESET is queued. */
    private boolean queues(CommandSpec cmd) {
        return cmd != exec && cmd != discard && cmd != multi && cmd != watch && cmd != reset;
    }


    /** allowProtectedAction: enable-debug-command yes, or local and the client is on loopback. */
    private boolean debugAllowed(Client c) {
        String setting = config.enableDebugCommand();
        return setting.equals("yes") || (setting.equals("local") && c.connection() != null && c.connection().isLocal());
    }

    /**
     * rejectCommandFormat: refuses a command with an error built for it ({@code message} without its ERR code).
     * Inside MULTI the transaction is flagged; a refused EXEC discards it (execCommandAbort).
     */
    private void reject(Client c, CommandSpec cmd, String message) {
        cmd.rejectedCalls++;
        c.flagTransaction();
        if (cmd == exec) {
            c.discardTransaction();
            c.error(EXECABORT_BECAUSE + message);
        } else {
            c.error("ERR " + message);
        }
    }

    /** rejectCommand: refuses a command with one of the shared errors (with its code), as above. */
    private void reject(Client c, CommandSpec cmd, io.cinnabar.server.error.ErrorReply error) {
        cmd.rejectedCalls++;
        c.flagTransaction();
        if (cmd == exec) {
            c.discardTransaction();
            c.error(EXECABORT_BECAUSE + error.message);
        } else {
            c.error(error);
        }
    }

    private static final String EXECABORT_BECAUSE = "EXECABORT Transaction discarded because of: ";

    /**
     * Redis's unknown command and subcommand errors, built as its printf does: each argument as a C string (to its
     * first NUL) cut to 128 bytes, the arguments shown while the list is under 128 bytes. Bytes are echoed as sent.
     */
    private static void rejectUnknown(Client c, byte[][] argv, int argc) {
        java.io.ByteArrayOutputStream m = new java.io.ByteArrayOutputStream();
        CommandSpec base = c.engine.commands().get(argv[0]);
        if (base != null && base.hasSubcommands()) {
            m.writeBytes(Ascii.bytes("ERR unknown subcommand '"));
            m.write(argv[1], 0, cLength(argv[1], 128));
            m.writeBytes(Ascii.bytes("'. Try "));
            byte[] name = java.util.Arrays.copyOf(argv[0], cLength(argv[0], Integer.MAX_VALUE));
            for (int i = 0; i < name.length; i++) {
                if (name[i] >= 'a' && name[i] <= 'z') {
                    name[i] -= 32;
                }
            }
            m.writeBytes(name);
            m.writeBytes(Ascii.bytes(" HELP."));
        } else {
            m.writeBytes(Ascii.bytes("ERR unknown command '"));
            m.write(argv[0], 0, cLength(argv[0], 128));
            m.writeBytes(Ascii.bytes("', with args beginning with: "));
            int args = 0;
            for (int i = 1; i < argc && args < 128; i++) {
                int len = cLength(argv[i], 128 - args);
                m.write('\'');
                m.write(argv[i], 0, len);
                m.write('\'');
                m.write(' ');
                args += len + 3;
            }
        }
        c.error(m.toByteArray());
    }

    /** The length printf's {@code %.Ns} takes of a C string: up to the first NUL, at most {@code max}. */
    private static int cLength(byte[] s, int max) {
        int n = 0;
        while (n < s.length && n < max && s[n] != 0) {
            n++;
        }
        return n;
    }

    /** A command run by a script: the script's time snapshot holds (keys cannot expire halfway through it). */
    public void callNested(Client c, CommandSpec cmd) {
        invoke(c, cmd);
    }

    /** A command queued in MULTI, run by EXEC: as {@link #callNested}, and CLIENT LIST keeps showing cmd=exec. */
    void callQueued(Client c, CommandSpec cmd) {
        invoke(c, cmd, false);
    }

    /**
     * Runs a command's body. A bug that throws must not reach the client as Java text, nor drop its connection: the
     * partial reply is taken back, the client gets a generic error and the stack trace goes to the server log.
     */
    private void runHandler(Client c, CommandSpec cmd) {
        ByteBuf out = c.reply.buffer();
        int replyStart = out.writerIndex();
        try {
            cmd.handler().run(c);
        } catch (Exception | LinkageError | VirtualMachineError | AssertionError e) {
            internalError(c, out, replyStart, cmd, e);
        }
    }

    private void internalError(Client c, ByteBuf out, int replyStart, CommandSpec cmd, Throwable e) {
        String name = cmd == null ? "?" : cmd.fullName;
        java.io.StringWriter trace = new java.io.StringWriter();
        e.printStackTrace(new java.io.PrintWriter(trace));
        engine.log().warning("Internal error running the '" + name + "' command: " + trace);
        if (c.reply.buffer() == out) {
            if (out.writerIndex() > replyStart) {
                out.writerIndex(replyStart);
            }
        } else if (c.connection() != null) {
            // part of the reply (a large value) went to the socket already: the client cannot make sense of what
            // follows, so it is closed after the error
            c.connection().closeAfterReply();
        }
        c.error(INTERNAL_ERROR_PREFIX + name + "' command, see the server log");
    }

    /** The start of the error a client gets when a command fails on a server bug (never Java text). */
    public static final String INTERNAL_ERROR_PREFIX = "ERR internal error while running the '";

    /** Runs an accepted command and does the bookkeeping Redis's call() does. */
    private void invoke(Client c, CommandSpec cmd) {
        invoke(c, cmd, true);
    }

    private void invoke(Client c, CommandSpec cmd, boolean isLastCommand) {
        c.cmd = cmd; // also for scripts' calls: command bodies name themselves in errors through it
        if (isLastCommand) {
            c.lastCmd = cmd;
        }
        long dirtyBefore = keyspace.dirty;
        c.clearFailed();
        // Redis's also_propagate: what one command propagates (the DEL of a key it found expired, then itself, or
        // several rewritten commands) is wrapped in MULTI/EXEC when more than one. EXEC and the scripting commands
        // batch their own effects (a slow script outlives this call).
        io.cinnabar.server.db.Propagator outer = keyspace.propagator();
        io.cinnabar.server.db.EffectsBatch batch = null;
        if (outer == keyspace.tap() && outer.active() && cmd != exec && !"scripting".equals(cmd.group)) {
            batch = commandEffects; // top level only (nested calls see the batch as outer): one is enough
            keyspace.propagator(batch);
        }
        long start = System.nanoTime();
        // lookups of a command without the write flag change nothing: a snapshot need not take their keys early
        boolean writes = keyspace.snapshotWrites(cmd.has(CommandFlags.WRITE) || !cmd.has(CommandFlags.READONLY));
        try {
            runHandler(c, cmd);
        } finally {
            keyspace.snapshotWrites(writes);
        }
        long nanos = System.nanoTime() - start;
        long micros = nanos / 1000;
        cmd.calls++;
        cmd.nanos += nanos;
        if (latencyTracking.enabled()) {
            LatencyHistogram histogram = cmd.latency;
            if (histogram == null) {
                cmd.latency = histogram = new LatencyHistogram();
            }
            // as Redis: whole microseconds (its clock's resolution) times 1000, at least 1 ns, so that
            // percentiles read as Redis's do (p50=1.003, or 0.001 under a microsecond)
            histogram.record(Math.max(1, micros * 1000));
        }
        if (c.failed()) {
            cmd.failedCalls++;
        }
        if (cmd.has(CommandFlags.READONLY) && cmd != evalRo && cmd != evalshaRo) {
            // trackingRememberKeys: a script's reads count for the client running it
            Client caller = c.isScript() && c.scriptCaller != null ? c.scriptCaller : c;
            if (io.cinnabar.server.pubsub.Tracking.remembersReads(caller) && !cmd.has(CommandFlags.PUBSUB)) {
                tracking.rememberKeys(caller, CommandCommands.keys(cmd, c.argv, c.argc));
            }
        }
        engine.stats().commandsProcessed++;
        if (!cmd.has(CommandFlags.SKIP_SLOWLOG) && config.slowlogLogSlowerThan() >= 0
                && micros >= config.slowlogLogSlowerThan()) {
            engine.slowLogAdd(c, c.argv, c.argc, micros);
        }
        long millis = micros / 1000;
        if (config.latencyMonitorThreshold() > 0) {
            engine.latency().record(cmd.has(CommandFlags.FAST) ? "fast-command" : "command", millis,
                    config.latencyMonitorThreshold(), keyspace.now);
        }
        if (keyspace.dirty != dirtyBefore && keyspace.propagator().active() && !c.propagationHandled()) {
            // the decoder reuses its argument array: the tap gets its own (the arguments themselves are fresh)
            keyspace.propagator().feed(c.db.id, java.util.Arrays.copyOf(c.argv, c.argc), c.argc);
        }
        c.propagationHandled(false);
        if (batch != null) {
            keyspace.propagator(outer);
            batch.replayInto(outer);
        }
        if (engine.hasMonitors() && !cmd.has(CommandFlags.SKIP_MONITOR) && !cmd.has(CommandFlags.ADMIN)) {
            engine.feedMonitors(c, c.argv, c.argc);
        }
    }
}
