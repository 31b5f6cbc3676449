package io.cinnabar.server.exec;

import io.cinnabar.protocol.reply.ReplyWriter;
import io.cinnabar.server.command.CommandSpec;
import io.cinnabar.server.db.Database;
import io.cinnabar.server.error.ErrorReply;
import io.cinnabar.server.error.Errors;

/**
 * One client's state on the executor: the current request, its database, protocol, authentication, name and
 * flags. Commands receive it and reply through {@link #reply}. Not thread-safe: executor thread only.
 */
public final class Client {
    public static final int REPLY_ON = 0;
    public static final int REPLY_OFF = 1;
    /** CLIENT REPLY SKIP was the last command: the next command's reply is dropped. */
    public static final int REPLY_SKIP_NEXT = 2;
    /** The current command's reply is dropped. */
    public static final int REPLY_SKIP = 3;

    public final long id;
    public final Engine engine;
    public final ReplyWriter reply;
    final Connection connection;
    public byte[][] argv;
    public int argc;
    public Database db;
    public CommandSpec cmd;
    public CommandSpec lastCmd;
    public boolean authenticated;
    public String user = "default";
    public byte[] name;
    public String libName = "";
    public String libVersion = "";
    public int replyMode = REPLY_ON;
    public boolean noEvict;
    public boolean monitor;
    public boolean closing;
    /**
     * CLIENT_CLOSE_ASAP: over its output buffer limit, the connection closes at the end of the current task and
     * gets no more replies meanwhile.
     */
    public boolean closeAsap;
    /** obuf_soft_limit_reached_time: when (server clock, seconds) the output was first seen over the soft limit,
     * 0 while under it. */
    long softLimitReachedAt;
    public final long createdAt;
    public long lastInteraction;
    /** Result register of {@code Args} parsers, so that parsing allocates nothing and needs no sentinel. */
    public long parsedLong;
    /** The current command replied with an error (commandstats failed_calls). */
    boolean failed;
    /** The client's script runs past busy-reply-threshold: its further input waits for the reply. */
    public boolean waitingForScript;
    /** A command postponed by CLIENT PAUSE waits here (its arguments are kept in {@link #argv}). */
    boolean postponed;
    /** Waiting for keys in {@link BlockedClients}. */
    boolean blocked;
    /** Channels, patterns and shard channels subscribed to; null until the first SUBSCRIBE. */
    public io.cinnabar.server.pubsub.Subscriptions subscriptions;
    /** Client-side caching state (CLIENT TRACKING); null until tracking is first turned on. */
    public io.cinnabar.server.pubsub.ClientTracking tracking;
    /** For the client scripts run as: the client running the script (server.script_caller); null otherwise. */
    public Client scriptCaller;
    /** The open transaction, from MULTI to EXEC or DISCARD; null otherwise (CLIENT_MULTI). */
    MultiState multi;
    /** CLIENT_DIRTY_CAS: a watched key changed, so the next EXEC answers the null reply. */
    boolean dirtyCas;
    /** The keys this client watches, or null (see {@link WatchedKeys}). */
    java.util.ArrayList<WatchedKeys.Watch> watched;
    /**
     * CLIENT_DENY_BLOCKING: the client may not wait (a script's, a transaction's), so a blocking command that finds
     * nothing answers as on timeout at once.
     */
    public boolean denyBlocking;

    public Client(long id, Engine engine, Connection connection, ReplyWriter reply) {
        this.id = id;
        this.engine = engine;
        this.connection = connection;
        this.reply = reply;
        this.db = engine.keyspace().db(0);
        this.createdAt = engine.clock().millis();
        this.lastInteraction = createdAt;
        this.authenticated = !engine.config().requiresPassword();
    }

    public Connection connection() {
        return connection;
    }

    public Engine server() {
        return engine;
    }

    public boolean resp3() {
        return reply.protocol() >= 3;
    }

    public boolean postponed() {
        return postponed;
    }

    /** Waiting for keys ({@link BlockedClients#block}) or for a pause to end: its input is not read meanwhile. */
    public boolean parked() {
        return postponed || blocked;
    }

    /** Replies with a pre-encoded error and counts it. */
    public void error(ErrorReply error) {
        reply.raw(error.encoded);
        failed = true;
        engine.stats().countError(error.code);
    }

    /** Replies with an error built from text (its first word is the code, e.g. {@code ERR}). */
    public void error(String message) {
        reply.error(message);
        failed = true;
        engine.stats().countErrorMessage(message);
    }

    /** Replies with an error given as bytes (binary-safe: user bytes echoed as they came). */
    public void error(byte[] message) {
        reply.error(message);
        failed = true;
        int space = 0;
        while (space < message.length && message[space] != ' ') {
            space++;
        }
        engine.stats().countError(new String(message, 0, space, java.nio.charset.StandardCharsets.UTF_8));
    }

    public void syntaxError() {
        error(Errors.SYNTAX);
    }

    public void wrongType() {
        error(Errors.WRONGTYPE);
    }

    public boolean failed() {
        return failed;
    }

    /** The Lua client scripts call commands through (Redis's CLIENT_SCRIPT): the only one with no connection. */
    public boolean isScript() {
        return connection == null;
    }

    /** The reply, written elsewhere (a script's), was an error. */
    public void markFailed() {
        failed = true;
    }

    public void clearFailed() {
        failed = false;
    }

    /** The command fed the propagation tap itself (in a rewritten form); the dispatcher must not feed argv. */
    private boolean propagationHandled;

    public boolean propagationHandled() {
        return propagationHandled;
    }

    public void propagationHandled(boolean handled) {
        propagationHandled = handled;
    }

    /**
     * Propagates this command in a rewritten form, as it must be replayed (absolute expiry times, say), instead
     * of its arguments as received. Cheap when nothing listens: check {@link #propagating()} before building argv.
     */
    public void propagate(byte[]... argv) {
        propagationHandled = true;
        engine.keyspace().propagator().feed(db.id, argv, argv.length);
    }

    /** True when a propagation listener (AOF, replica, recorder) is attached. */
    public boolean propagating() {
        return engine.keyspace().propagator().active();
    }

    /** The argument at {@code i} as bytes (the request owns them until the command returns; store as is). */
    public byte[] arg(int i) {
        return argv[i];
    }

    /** Makes this (script) client act for {@code caller}: its database and user, RESP2 until redis.setresp. */
    public void prepareFor(Client caller) {
        db = caller.db;
        scriptCaller = caller;
        authenticated = true;
        user = caller.user;
        reply.protocol(2);
    }

    public void selectDb(int index) {
        db = engine.keyspace().db(index);
    }

    /**
     * argv-mem: the bytes of the arguments of the command in flight, or of those decoded of a request still
     * arriving (0 between commands), as argv_len_sum.
     */
    public long argvMemory() {
        long sum = connection == null ? 0 : connection.pendingArgvBytes();
        if (argv != null) {
            for (int i = 0; i < argc; i++) {
                sum += argv[i].length;
            }
        }
        return sum;
    }

    /** The input side of clientsCronTrackExpansiveClients: query buffer allocation plus arguments in flight. */
    long inputBufferUsage() {
        long argvArray = argc == 0 ? 0 : 8L * argc;
        return (connection == null ? 0 : connection.queryBufferCapacity()) + argvMemory() + argvArray;
    }

    // ---- transactions (multi.c) ----

    /** Inside MULTI: commands are queued until EXEC or DISCARD. */
    public boolean inMulti() {
        return multi != null;
    }

    /** The open transaction, or null outside MULTI. */
    public MultiState multi() {
        return multi;
    }

    /** MULTI: opens a transaction. */
    public void beginMulti() {
        multi = new MultiState();
    }

    /** queueMultiCommand: the current request joins the transaction (the arguments are kept as they are). */
    public void queue(CommandSpec command) {
        multi.queue(command, argv, argc);
    }

    /** flagTransaction: a command refused while queuing makes EXEC answer EXECABORT. */
    public void flagTransaction() {
        if (multi != null) {
            multi.abort();
        }
    }

    /** EXEC must answer EXECABORT: a command was refused while queuing (CLIENT_DIRTY_EXEC). */
    public boolean transactionAborted() {
        return multi.aborted();
    }

    /** EXEC must answer the null reply: a watched key changed (CLIENT_DIRTY_CAS). */
    public boolean watchBroken() {
        return dirtyCas;
    }

    /** discardTransaction: leaves MULTI, clears both dirty flags and forgets the watched keys. */
    public void discardTransaction() {
        multi = null;
        dirtyCas = false;
        unwatchAll();
    }

    /** UNWATCH: forgets the watched keys, and that any of them changed. */
    public void unwatch() {
        unwatchAll();
        dirtyCas = false;
    }

    /** WATCH of one key: ignored once a watched key changed, as the transaction will fail anyway. */
    public void watch(byte[] key) {
        if (!dirtyCas) {
            engine.watchedKeys().watch(this, key);
        }
    }

    private void unwatchAll() {
        if (watched != null) {
            engine.watchedKeys().unwatchAll(this);
        }
    }

    /** CLIENT_PUBSUB: subscribed to a channel, pattern or shard channel (RESP2 then limits the commands). */
    public boolean subscribed() {
        return subscriptions != null && subscriptions.any();
    }

    /** CLIENT_DENY_BLOCKING: inside EXEC. */
    public boolean blockingDenied() {
        return denyBlocking;
    }

    /** Runs EXEC's queued commands: blocking commands do not block meanwhile (CLIENT_DENY_BLOCKING). */
    public void denyBlocking(boolean deny) {
        denyBlocking = deny;
    }

    /** multi-mem: the queued commands' argument bytes plus a reference each (argv_len_sums). */
    public long multiMemory() {
        return multi == null ? 0 : multi.argvBytes();
    }

    /** CLIENT LIST flags, in catClientInfoString's order: O monitor, P pub/sub, x MULTI, b blocked (or paused),
     * t tracking, R broken redirect, B broadcast tracking, d dirty CAS, c closing, A closing for its output buffer
     * limit, e no-evict. */
    public String flags() {
        StringBuilder f = new StringBuilder(4);
        if (monitor) {
            f.append('O');
        }
        if (subscribed()) {
            f.append('P');
        }
        if (multi != null) {
            f.append('x');
        }
        if (postponed || blocked) {
            f.append('b');
        }
        if (tracking != null && tracking.on()) {
            f.append('t');
        }
        if (tracking != null && tracking.brokenRedirect()) {
            f.append('R');
        }
        if (tracking != null && tracking.bcast()) {
            f.append('B');
        }
        if (dirtyCas) {
            f.append('d');
        }
        if (closing) {
            f.append('c');
        }
        if (closeAsap) {
            f.append('A');
        }
        if (noEvict) {
            f.append('e');
        }
        return f.length() == 0 ? "N" : f.toString();
    }

    public String nameString() {
        return name == null ? "" : new String(name, java.nio.charset.StandardCharsets.UTF_8);
    }
}
