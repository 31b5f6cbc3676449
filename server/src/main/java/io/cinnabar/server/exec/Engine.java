package io.cinnabar.server.exec;

import io.cinnabar.protocol.reply.ReplyWriter;
import io.cinnabar.server.command.CommandTable;
import io.cinnabar.server.command.Dispatcher;
import io.cinnabar.server.db.ActiveExpiry;
import io.cinnabar.server.db.Keyspace;
import io.netty.util.concurrent.EventExecutor;
import it.unimi.dsi.fastutil.longs.Long2ObjectLinkedOpenHashMap;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;

/**
 * Everything the executor owns: configuration, keyspace, clients, the command table and dispatcher, statistics,
 * and the periodic tick (serverCron). Only the executor thread touches it; other threads go through
 * {@link #call}. Not thread-safe.
 */
public final class Engine {
    private final Config config;
    private final ServerClock clock;
    private final Keyspace keyspace;
    private final CommandTable commands;
    private final Dispatcher dispatcher;
    private final Stats stats = new Stats();
    private final SlowLog slowLog = new SlowLog();
    private final LatencyMonitor latency = new LatencyMonitor();
    private final LatencyTracking latencyTracking;
    private final ActiveExpiry activeExpiry;
    private final Long2ObjectLinkedOpenHashMap<Client> clients = new Long2ObjectLinkedOpenHashMap<>();
    private final List<Client> monitors = new ArrayList<>();
    private final BlockedClients blocked;
    private final String runId;
    /** The replication ID, random like run_id but distinct from it, as Redis's master_replid. */
    private final String replId;
    /** Heap in use once the engine was built: INFO used_memory_startup. */
    private final long startupMemory;
    /** The executor thread, for INFO used_cpu_*_main_thread; set on its first tick. */
    private volatile Thread executorThread;
    private long lastClientsCron;
    private int listeningPort = -1;
    private static final int FIRST_CLIENT_FD = 8;
    private final java.util.BitSet virtualFds = new java.util.BitSet();
    private final long startedAt;
    private long nextClientId = 1;
    private EventExecutor executor;
    private Runnable shutdownRequest = () -> { };
    private volatile boolean stopping;
    /** A script outlived busy-reply-threshold: the executor serves only ALLOW_BUSY commands until it ends. */
    private boolean scriptBusy;
    /** The running slow script is an EVAL (else a function): which KILL the BUSY error names. */
    private boolean scriptBusyEval = true;
    private static final io.cinnabar.server.error.ErrorReply BUSY_EVAL = io.cinnabar.server.error.Errors.of(
            "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.");
    private static final io.cinnabar.server.error.ErrorReply BUSY_FUNCTION = io.cinnabar.server.error.Errors.of(
            "BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.");
    /**
     * The effects queue: what a script produces for other clients (MONITOR lines today) while it runs, sent when it
     * has ended.
     */
    private final List<byte[]> scriptMonitorLines = new ArrayList<>();
    /** A script runs (or a library's load-time code). */
    private boolean scriptRunning;
    /** Whether anyone was monitoring when the script started (a slow one may serve a new MONITOR meanwhile). */
    private boolean monitorsAtScriptStart;
    private io.cinnabar.server.script.Scripting scripts;
    private long pauseEndMillis;
    private boolean pauseAll;
    /** Pause expressed in the virtual clock: unpause when the clock says so, checked on each tick. */
    private boolean paused;

    private final Log log;
    private final WatchedKeys watchedKeys;
    private final io.cinnabar.server.pubsub.PubSub pubSub = new io.cinnabar.server.pubsub.PubSub(this);
    private final List<Runnable> deferredEffects = new ArrayList<>();
    private final io.cinnabar.server.pubsub.Tracking tracking = new io.cinnabar.server.pubsub.Tracking(this);
    /** SAVE, BGSAVE, save points, loading: the RDB side of persistence. */
    private final io.cinnabar.server.persist.RdbPersistence rdb;
    /** The append-only file (off unless appendonly yes). */
    private final io.cinnabar.server.persist.Aof aof;

    public Engine(Config config, ServerClock clock, Log log) {
        this.config = config;
        this.log = log;
        this.clock = clock;
        this.keyspace = new Keyspace(config.databases(), System.nanoTime());
        this.keyspace.now = clock.millis();
        this.activeExpiry = new ActiveExpiry(keyspace);
        this.blocked = new BlockedClients(this);
        this.keyspace.addListener(blocked);
        this.watchedKeys = new WatchedKeys(keyspace);
        this.keyspace.addListener(watchedKeys);
        // tracking invalidates before notifications are published, except for expiry (as Redis orders them)
        this.keyspace.addListener(tracking.writeListener());
        this.keyspace.addListener(new io.cinnabar.server.pubsub.KeyspaceNotifier(config, pubSub));
        this.keyspace.addListener(tracking.expiryListener());
        this.commands = CommandTable.load();
        this.latencyTracking = new LatencyTracking(config);
        this.dispatcher = new Dispatcher(this);
        this.startedAt = clock.millis();
        this.rdb = new io.cinnabar.server.persist.RdbPersistence(this);
        byte[] id = new byte[20];
        // run_id only tells servers apart (Redis reads /dev/urandom); SecureRandom's provider setup would cost
        // about a tenth of the cold start
        java.util.concurrent.ThreadLocalRandom.current().nextBytes(id);
        this.runId = java.util.HexFormat.of().formatHex(id);
        new java.security.SecureRandom().nextBytes(id);
        this.replId = java.util.HexFormat.of().formatHex(id);
        this.startupMemory = usedMemory();
        this.aof = new io.cinnabar.server.persist.Aof(this);
    }

    /** The append-only file. */
    public io.cinnabar.server.persist.Aof aof() {
        return aof;
    }

    public Config config() {
        return config;
    }

    public Log log() {
        return log;
    }

    public ServerClock clock() {
        return clock;
    }

    public Keyspace keyspace() {
        return keyspace;
    }

    public CommandTable commands() {
        return commands;
    }

    public Dispatcher dispatcher() {
        return dispatcher;
    }

    public Stats stats() {
        return stats;
    }

    public SlowLog slowLog() {
        return slowLog;
    }

    public LatencyMonitor latency() {
        return latency;
    }

    public LatencyTracking latencyTracking() {
        return latencyTracking;
    }

    /** The port the server listens on (the configured one, or the one picked for port 0): INFO tcp_port. */
    public void listeningPort(int port) {
        this.listeningPort = port;
    }

    public int listeningPort() {
        return listeningPort < 0 ? config.port() : listeningPort;
    }

    public String replId() {
        return replId;
    }

    public long startupMemory() {
        return startupMemory;
    }

    /** The executor thread once it has ticked, else null. */
    public Thread executorThread() {
        return executorThread;
    }

    /** The scripting engine if a script ever ran, else null (INFO must not start one). */
    public io.cinnabar.server.script.Scripting scriptsIfStarted() {
        return scripts;
    }

    public ActiveExpiry activeExpiry() {
        return activeExpiry;
    }

    public String runId() {
        return runId;
    }

    public long startedAt() {
        return startedAt;
    }

    public long lastSave() {
        return rdb.lastSave();
    }

    /** RDB persistence: SAVE, BGSAVE, save points, loading, INFO persistence's rdb fields. */
    public io.cinnabar.server.persist.RdbPersistence rdb() {
        return rdb;
    }

    public void executor(EventExecutor executor) {
        this.executor = executor;
    }

    /** The event loop under the executor, for a script past busy-reply-threshold; null without a network. */
    public IoLoop ioLoop() {
        return executor instanceof IoLoop loop ? loop : null;
    }

    public EventExecutor executor() {
        return executor;
    }

    public void onShutdownRequest(Runnable r) {
        this.shutdownRequest = r;
    }

    /** SHUTDOWN: the owner stops the server after the current command. */
    public void requestShutdown() {
        stopping = true;
        shutdownRequest.run();
    }

    /** True once a shutdown was requested: a running script stops at its next check. */
    public boolean stopping() {
        return stopping;
    }

    /** The Lua scripting engine, created on first use (most test servers never run a script). */
    public io.cinnabar.server.script.Scripting scripts() {
        if (scripts == null) {
            scripts = new io.cinnabar.server.script.Scripting(this);
        }
        return scripts;
    }

    public boolean scriptBusy() {
        return scriptBusy;
    }

    /**
     * The running script passed busy-reply-threshold; the executor goes back to serving the network. {@code eval}:
     * it is an EVAL script, else a function (the BUSY error names the KILL command for it).
     */
    public void enterScriptBusy(boolean eval) {
        scriptBusy = true;
        scriptBusyEval = eval;
    }

    /** The error commands get while a slow script owns the server. */
    public io.cinnabar.server.error.ErrorReply busyReply() {
        return scriptBusyEval ? BUSY_EVAL : BUSY_FUNCTION;
    }

    /**
     * The script ended. Data tasks (the embedding API's calls) never ran meanwhile: a slow script serves only the
     * sockets, so they wait in the event loop's queue.
     */
    public void leaveScriptBusy() {
        scriptBusy = false;
    }

    /** A script is about to run. */
    public void scriptStarting() {
        scriptRunning = true;
        monitorsAtScriptStart = !monitors.isEmpty();
    }

    /**
     * The script has ended (executor): what it produced for other clients is sent now, in order: its MONITOR
     * lines, then the messages it published ({@link #defer}).
     */
    public void scriptEnded() {
        scriptRunning = false;
        if (!scriptMonitorLines.isEmpty()) {
            for (byte[] line : scriptMonitorLines) {
                for (Client m : monitors) {
                    m.reply.raw(line);
                    m.connection.flushSoon();
                }
            }
            scriptMonitorLines.clear();
        }
        if (deferredEffects.isEmpty()) {
            return;
        }
        List<Runnable> effects = new ArrayList<>(deferredEffects);
        deferredEffects.clear();
        for (Runnable effect : effects) {
            effect.run();
        }
    }

    /** Stops a running script at its next check; what the AOF was fed is written and fsynced. */
    public void close() {
        stopping = true;
        if (executor != null && !executor.isShuttingDown()) {
            call(() -> {
                aof.shutdown(); // on the executor, which owns the AOF's buffer
                return null;
            });
        } else {
            aof.shutdown();
        }
        rdb.close();
        if (scripts != null) {
            scripts.close();
        }
    }

    /** A client of the embedding API (an in-process subscriber): not connected, not listed by CLIENT LIST. */
    public Client inProcessClient() {
        return new Client(0, this, null, new ReplyWriter(io.netty.buffer.Unpooled.EMPTY_BUFFER));
    }

    /**
     * The client scripts run their redis.call commands as: not connected, not listed by CLIENT LIST, never
     * blocking.
     */
    public Client scriptClient(ReplyWriter writer) {
        Client c = new Client(0, this, null, writer);
        c.denyBlocking = true; // BLMPOP and BZMPOP may run in scripts (no noscript flag): they never wait there
        return c;
    }

    public void slowLogAdd(Client c, byte[][] argv, int argc, long micros) {
        slowLog.add(c, argv, argc, micros, clock.millis(), config.slowlogMaxLen());
    }

    // ---- clients ----

    public Client newClient(Connection connection, ReplyWriter writer) {
        Client c = new Client(nextClientId++, this, connection, writer);
        clients.put(c.id, c);
        stats.connectionsReceived++;
        return c;
    }

    public void clientClosed(Client c) {
        c.discardTransaction();
        if (c.subscriptions != null) {
            pubSub.clientClosed(c);
        }
        tracking.disable(c);
        clients.remove(c.id);
        monitors.remove(c);
        blocked.clientClosed(c);
    }

    /** Client-side caching: the tracking table and the invalidation messages. */
    public io.cinnabar.server.pubsub.Tracking tracking() {
        return tracking;
    }

    /** Channels and their subscribers. */
    public io.cinnabar.server.pubsub.PubSub pubSub() {
        return pubSub;
    }

    /**
     * False while a script runs: what it does to other clients (a message it publishes, an invalidation) is
     * {@link #defer deferred} to its end, ahead of its reply, as Redis's replies to them go out after it.
     */
    public boolean outsideScript() {
        return !scriptRunning;
    }

    /** An effect on other clients produced by a running script, run when it is over, in the order produced. */
    public void defer(Runnable effect) {
        deferredEffects.add(effect);
    }

    /** The keys clients WATCH. */
    public WatchedKeys watchedKeys() {
        return watchedKeys;
    }

    /** Clients waiting for keys or for a pause to end. */
    public BlockedClients blocked() {
        return blocked;
    }

    public Iterable<Client> clients() {
        return clients.values();
    }

    public int clientCount() {
        return clients.size();
    }

    public Client client(long id) {
        return clients.get(id);
    }

    /** Lowest free descriptor-like number for connections whose transport exposes none (Redis's first is 8). */
    public int allocateVirtualFd() {
        int fd = virtualFds.nextClearBit(FIRST_CLIENT_FD);
        virtualFds.set(fd);
        return fd;
    }

    public void releaseVirtualFd(int fd) {
        virtualFds.clear(fd);
    }

    // ---- MONITOR ----

    public void addMonitor(Client c) {
        if (!monitors.contains(c)) {
            monitors.add(c);
        }
    }

    public void removeMonitor(Client c) {
        monitors.remove(c);
    }

    public boolean hasMonitors() {
        return scriptRunning ? monitorsAtScriptStart : !monitors.isEmpty();
    }

    /** Sends a command to MONITOR clients in Redis's format: {@code +<time> [<db> <addr>] "arg" ...}. */
    public void feedMonitors(Client source, byte[][] argv, int argc) {
        StringBuilder sb = new StringBuilder(64);
        long micros = clock.micros();
        sb.append('+').append(micros / 1_000_000).append('.');
        String frac = Long.toString(micros % 1_000_000);
        sb.append("000000", 0, 6 - frac.length()).append(frac);
        String addr = source.connection == null ? "lua" : source.connection.remoteAddress();
        sb.append(" [").append(source.db.id).append(' ').append(addr).append(']');
        for (int i = 0; i < argc; i++) {
            sb.append(' ');
            appendRepr(sb, argv[i]);
        }
        sb.append("\r\n");
        byte[] line = sb.toString().getBytes(StandardCharsets.ISO_8859_1);
        if (scriptRunning) {
            scriptMonitorLines.add(line); // sent when the script ends, before its reply
            return;
        }
        for (Client m : monitors) {
            m.reply.raw(line);
            m.connection.flushSoon();
        }
    }

    /** sdscatrepr: a quoted string with C escapes for non-printable bytes. */
    public static void appendRepr(StringBuilder sb, byte[] s) {
        sb.append('"');
        for (byte b : s) {
            int c = b & 0xff;
            switch (c) {
                case '\\' -> sb.append("\\\\");
                case '"' -> sb.append("\\\"");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case 7 -> sb.append("\\a");
                case '\b' -> sb.append("\\b");
                default -> {
                    if (c >= 32 && c < 127) {
                        sb.append((char) c);
                    } else {
                        sb.append(String.format("\\x%02x", c));
                    }
                }
            }
        }
        sb.append('"');
    }

    // ---- CLIENT PAUSE ----

    public void pause(long untilMillis, boolean all) {
        // a pause never shortens or weakens one already in effect (pauseClients)
        if (paused && pauseEndMillis > untilMillis) {
            untilMillis = pauseEndMillis;
        }
        pauseAll = paused ? pauseAll || all : all;
        pauseEndMillis = untilMillis;
        paused = true;
    }

    public void unpause() {
        paused = false;
        pauseAll = false;
        blocked.releasePostponed();
    }

    /** True if the command must wait for the pause to end: every command under ALL, writes under WRITE. */
    public boolean pausedFor(Client c, io.cinnabar.server.command.CommandSpec cmd) {
        if (!paused) {
            return false;
        }
        if (clock.millis() >= pauseEndMillis) {
            unpause();
            return false;
        }
        return pauseAll || mayReplicate(c, cmd);
    }

    /**
     * processCommand's is_may_replicate_command, with getCommandFlags: a script that declares flags (a shebang, a
     * function's flags) may replicate unless it is no-writes; EVAL, EVALSHA and FCALL otherwise carry the
     * may-replicate flag COMMAND INFO hides on purpose (so the recorded table lacks it).
     */
    private boolean mayReplicate(Client c, io.cinnabar.server.command.CommandSpec cmd) {
        String name = cmd.fullName;
        if (name.equals("exec")) { // an EXEC of queued writes waits too
            return c.inMulti() && c.multi().anyHas(io.cinnabar.server.command.CommandFlags.WRITE
                    | io.cinnabar.server.command.CommandFlags.MAY_REPLICATE);
        }
        boolean fcall = name.equals("fcall") || name.equals("fcall_ro");
        boolean bySha = name.equals("evalsha") || name.equals("evalsha_ro");
        if (fcall || bySha || name.equals("eval") || name.equals("eval_ro")) {
            int flags = scripts().declaredFlags(c, fcall, bySha);
            if (flags >= 0) {
                return !io.cinnabar.server.script.Scripting.noWrites(flags);
            }
            return name.equals("eval") || name.equals("evalsha") || name.equals("fcall");
        }
        return cmd.has(io.cinnabar.server.command.CommandFlags.WRITE)
                || cmd.has(io.cinnabar.server.command.CommandFlags.MAY_REPLICATE);
    }

    public void postpone(Client c) {
        blocked.postpone(c);
    }

    public boolean paused() {
        return paused;
    }

    // ---- the tick ----

    /** serverCron: runs {@code hz} times a second on the executor. */
    public void cron() {
        if (scriptBusy) {
            return; // a timed-out script owns the keyspace
        }
        if (executorThread == null) {
            executorThread = Thread.currentThread();
        }
        long now = clock.millis();
        long started = System.nanoTime();
        activeExpiry.cycle(config.hz(), config.activeExpireEffort(), now);
        long expireNanos = System.nanoTime() - started;
        stats.expireCycleNanos += expireNanos;
        long expireMillis = expireNanos / 1_000_000;
        latency.record("expire-cycle", expireMillis, config.latencyMonitorThreshold(), now);
        keyspace.rehashIdle();
        stats.sample(now);
        if (paused && now >= pauseEndMillis) {
            unpause();
        }
        blocked.expireDue(now);
        if (blocked.hasReady()) {
            blocked.serveReady(); // keys changed outside commands (the embedding API)
        }
        if (config.timeout() > 0) {
            closeIdleClients(now);
        }
        tracking.cron();
        rdb.cron();
        aof.cron();
        long used = usedMemory();
        if (used > stats.peakMemory) {
            stats.peakMemory = used;
        }
        long wall = System.currentTimeMillis();
        if (wall / 1000 != lastClientsCron / 1000) {
            lastClientsCron = wall;
            clientsCron(wall);
        }
    }

    /**
     * clientsCron, once a second: each connection adapts its reply buffer and reports its buffer usage for
     * INFO's client_recent_max_input_buffer / client_recent_max_output_buffer.
     */
    private void clientsCron(long wallMillis) {
        stats.clearNextPeakSlot(wallMillis);
        for (Client c : clients.values()) {
            if (c.connection != null) {
                c.connection.cron(wallMillis);
                stats.trackClientBuffers(wallMillis, c.inputBufferUsage(), c.connection.outputListBytes());
            }
        }
    }

    private void closeIdleClients(long now) {
        List<Client> idle = null;
        for (Client c : clients.values()) {
            if (!c.monitor && now - c.lastInteraction > config.timeout() * 1000L) {
                if (idle == null) {
                    idle = new ArrayList<>();
                }
                idle.add(c);
            }
        }
        if (idle != null) {
            for (Client c : idle) {
                c.connection.close();
            }
        }
    }

    /** Moves the virtual clock and expires what became due, as if the time had passed. */
    public void advanceClock(Duration by) {
        clock.advance(by);
        activeExpiry.expireAllDue(clock.millis());
        if (paused && clock.millis() >= pauseEndMillis) {
            unpause();
        }
        blocked.expireDue(clock.millis()); // a virtual clock times out blocked clients without sleeping
    }

    public static long usedMemory() {
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }

    // ---- other threads ----

    /** Runs {@code task} on the executor and waits for its result (the embedding API's entry point). */
    public <T> T call(Callable<T> task) {
        if (executor == null || executor.inEventLoop()) {
            try {
                return task.call();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        java.util.concurrent.CompletableFuture<T> f = new java.util.concurrent.CompletableFuture<>();
        Runnable run = () -> {
            try {
                f.complete(task.call());
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        };
        executor.execute(run); // a slow script serves only the sockets: this waits for it in the task queue
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(cause);
        }
    }
}
