package io.cinnabar.server.exec;

import io.cinnabar.server.db.Database;
import io.cinnabar.server.db.KeyEvent;
import io.cinnabar.server.db.KeyspaceListener;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Clients that wait, as Redis's blocked.c: for keys (BLPOP, BLMOVE, BZPOPMIN, XREAD BLOCK and the rest park here
 * through {@link #block}) and for the end of CLIENT PAUSE ({@link #postpone}). Blocked clients are data, not
 * threads: each (database, key) has a FIFO of the clients waiting on it; the keyspace write hook marks a key with
 * waiters ready; {@link #serveReady} is run after each top-level command (so after a whole script or EXEC) and
 * offers each ready key to its waiters in arrival order; deadlines are on the server clock, checked by the tick
 * and when a test moves the clock, never by a real-time scheduler. A parked client reads no further input until
 * it is served, times out or is released. Not thread-safe: executor thread only.
 */
public final class BlockedClients implements KeyspaceListener {
    /** What a blocked command does when one of its keys may be ready, and when its time is up. */
    @FunctionalInterface
    public interface Waiter {
        /**
         * Tries to serve the client from {@code key}: writes its reply and returns true, or returns false to keep
         * waiting (the key is empty, or of another type: Redis's waiters keep waiting then). An error reply ends
         * the wait too (a BLMOVE whose destination holds another type by then).
         */
        boolean serve(Client c, Database db, byte[] key);

        /**
         * The deadline passed, or CLIENT UNBLOCK TIMEOUT: write the timeout reply. Every list and sorted-set
         * command answers as Redis's replyToBlockedClientTimedOut does, a null array ({@code *-1}; {@code _} in
         * RESP3), BLMOVE and BRPOPLPUSH included.
         */
        default void timedOut(Client c) {
            c.reply.nullArray();
        }
    }

    private static final io.cinnabar.server.error.ErrorReply UNBLOCKED =
            io.cinnabar.server.error.Errors.of("UNBLOCKED client unblocked via CLIENT UNBLOCK");

    /** One parked client: what it waits on, until when, and what serves it. */
    private static final class Blocked {
        final Client client;
        final KeyRef[] keys;
        final long deadline;
        final Waiter waiter;

        Blocked(Client client, KeyRef[] keys, long deadline, Waiter waiter) {
            this.client = client;
            this.keys = keys;
            this.deadline = deadline;
            this.waiter = waiter;
        }
    }

    private final Engine engine;
    private final Map<KeyRef, ArrayDeque<Blocked>> byKey = new HashMap<>();
    private final Map<Client, Blocked> byClient = new HashMap<>();
    private final LinkedHashSet<KeyRef> ready = new LinkedHashSet<>();
    private final List<Client> postponed = new ArrayList<>();
    /** Served or timed-out clients whose pipelined input is read next, outside the serving loop. */
    private final ArrayDeque<Client> unblocked = new ArrayDeque<>();
    private boolean resuming;

    BlockedClients(Engine engine) {
        this.engine = engine;
    }

    /**
     * Parks {@code c} on {@code keys} of {@code db} until {@code waiter} serves it from one of them or the server
     * clock reaches {@code deadline} (Unix ms; 0 waits forever). The command has not replied.
     */
    public void block(Client c, Database db, byte[][] keys, long deadline, Waiter waiter) {
        if (c.denyBlocking) {
            waiter.timedOut(c); // a client that may not wait (EXEC, scripts): answer at once as a timeout would
            return;
        }
        // as Redis, a blocked client keeps its arguments until it is unblocked (CLIENT LIST's argv-mem); the
        // decoder reuses its array, so keep a copy
        if (c.argv != null) {
            c.argv = Arrays.copyOf(c.argv, c.argc);
        }
        KeyRef[] refs = new KeyRef[keys.length];
        for (int i = 0; i < keys.length; i++) {
            refs[i] = KeyRef.of(db.id, keys[i]);
        }
        Blocked b = new Blocked(c, refs, deadline, waiter);
        byClient.put(c, b);
        for (KeyRef ref : refs) {
            ArrayDeque<Blocked> queue = byKey.computeIfAbsent(ref, k -> new ArrayDeque<>());
            if (!queue.contains(b)) { // BLPOP k k waits once on k
                queue.add(b);
            }
        }
        c.blocked = true;
    }

    /** The write hook: a key somebody waits on may now serve them. */
    @Override
    public void keyModified(int db, byte[] key, KeyEvent event) {
        if (byKey.isEmpty() || !makesReady(event)) {
            return;
        }
        KeyRef ref = KeyRef.of(db, key);
        if (byKey.containsKey(ref)) {
            ready.add(ref);
        }
    }

    /**
     * Whether Redis would signal the key as ready (signalKeyAsReady) for this change. Waiters on lists and sorted
     * sets only look for elements, so any change may wake them; stream waiters compare IDs, and Redis wakes them
     * only for XADD, XGROUP DESTROY and a key added, deleted or overwritten: XSETID or XGROUP SETID moving an ID
     * must not serve a blocked XREAD or XREADGROUP before the next XADD, nor may EXPIRE.
     */
    private static boolean makesReady(KeyEvent event) {
        if (event.type() == KeyEvent.STREAM) {
            return event == KeyEvent.XADD || event == KeyEvent.XGROUP_DESTROY;
        }
        return event != KeyEvent.EXPIRE && event != KeyEvent.PERSIST;
    }

    /** FLUSHDB, FLUSHALL and SWAPDB: every key with waiters may have changed (SWAPDB can bring one in). */
    @Override
    public void databaseFlushed(int db) {
        markAllReady();
    }

    @Override
    public void databasesSwapped(int a, int b) {
        markAllReady();
    }

    private void markAllReady() {
        ready.addAll(byKey.keySet());
    }

    /** Keys were made ready, or clients were unblocked (CLIENT UNBLOCK) and wait to go on with their input. */
    public boolean hasReady() {
        return !ready.isEmpty() || !unblocked.isEmpty();
    }

    /**
     * Offers each ready key to its waiters, first come first served, until no key is ready: serving one client can
     * make another key ready (BLMOVE pushes), which is served in the same pass, as Redis's
     * handleClientsBlockedOnKeys does.
     */
    public void serveReady() {
        while (!ready.isEmpty()) {
            KeyRef ref = ready.iterator().next();
            ready.remove(ref);
            ArrayDeque<Blocked> queue = byKey.get(ref);
            if (queue == null) {
                continue;
            }
            Database db = engine.keyspace().db(ref.db);
            Stats stats = engine.stats();
            for (Blocked b : queue.toArray(new Blocked[0])) {
                if (byClient.get(b.client) != b) {
                    continue; // served through another of its keys meanwhile
                }
                long errors = stats.errorReplies;
                int start = b.client.reply.buffer().writerIndex();
                if (b.waiter.serve(b.client, db, ref.key)) {
                    replied(b.client, start);
                    if (stats.errorReplies != errors) {
                        failed(b.client); // a BLMOVE whose destination turned out of another type
                    }
                    release(b);
                }
            }
        }
        resumeUnblocked();
    }

    /** Times out every client whose deadline the server clock has reached (the tick, and a moved clock). */
    public void expireDue(long now) {
        if (byClient.isEmpty()) {
            return;
        }
        List<Blocked> due = null;
        for (Blocked b : byClient.values()) {
            if (b.deadline != 0 && b.deadline <= now) {
                if (due == null) {
                    due = new ArrayList<>();
                }
                due.add(b);
            }
        }
        if (due == null) {
            return;
        }
        due.sort((x, y) -> Long.compare(x.deadline, y.deadline));
        for (Blocked b : due) {
            int start = b.client.reply.buffer().writerIndex();
            b.waiter.timedOut(b.client);
            replied(b.client, start);
            release(b);
        }
        resumeUnblocked();
    }

    /**
     * CLIENT UNBLOCK: a client waiting for keys gets its timeout reply, or with {@code error} the UNBLOCKED error,
     * and goes on with its input after the current command. Returns false if {@code c} waits for no keys (a client
     * held by CLIENT PAUSE is not unblockable: Redis 7.0.15 crashes on it, later versions answer 0).
     */
    public boolean unblock(Client c, boolean error) {
        Blocked b = byClient.get(c);
        if (b == null) {
            return false;
        }
        int start = c.reply.buffer().writerIndex();
        if (error) {
            c.error(UNBLOCKED);
        } else {
            b.waiter.timedOut(c);
        }
        replied(c, start);
        failed(c); // as Redis's clientCommand, which reports the unblocked command failed either way
        release(b);
        return true;
    }

    /**
     * The blocked command's reply is written: dropped under CLIENT REPLY OFF, or SKIP (which the dispatcher left in
     * place for it, as Redis resets a blocked client only when it is unblocked).
     */
    private static void replied(Client c, int start) {
        if (c.replyMode == Client.REPLY_OFF || c.replyMode == Client.REPLY_SKIP) {
            c.reply.buffer().writerIndex(start);
            if (c.replyMode == Client.REPLY_SKIP) {
                c.replyMode = Client.REPLY_ON;
            }
        }
    }

    /** updateStatsOnUnblock with had_errors: the blocked command counts as failed in INFO commandstats. */
    private static void failed(Client c) {
        if (c.lastCmd != null) {
            c.lastCmd.failedCalls++;
        }
    }

    /** Unparks a served or timed-out client; its pipelined input is read by {@link #resumeUnblocked}. */
    private void release(Blocked b) {
        forget(b);
        if (b.client.connection != null) {
            unblocked.add(b.client);
        }
    }

    /**
     * Lets unparked clients go on with their pipelined input, one after the other rather than from inside the
     * serving loop, so a chain of clients unblocking each other never deepens the stack.
     */
    private void resumeUnblocked() {
        if (resuming) {
            return;
        }
        resuming = true;
        try {
            Client c;
            while ((c = unblocked.poll()) != null) {
                c.connection.continueInput();
            }
        } finally {
            resuming = false;
        }
    }

    private void forget(Blocked b) {
        byClient.remove(b.client);
        for (KeyRef ref : b.keys) {
            ArrayDeque<Blocked> queue = byKey.get(ref);
            if (queue != null) {
                queue.remove(b);
                if (queue.isEmpty()) {
                    byKey.remove(ref);
                    ready.remove(ref);
                }
            }
        }
        b.client.blocked = false;
        b.client.argc = 0; // the blocked command is over: argv-mem drops to 0
    }

    /** A closed connection leaves nothing behind. */
    void clientClosed(Client c) {
        Blocked b = byClient.get(c);
        if (b != null) {
            forget(b);
        }
        postponed.remove(c);
        unblocked.remove(c);
    }

    /** Clients waiting for keys. */
    public int blockedOnKeys() {
        return byClient.size();
    }

    /** Clients waiting for keys with a deadline: INFO's clients_in_timeout_table. */
    public int withDeadline() {
        int n = 0;
        for (Blocked b : byClient.values()) {
            if (b.deadline != 0) {
                n++;
            }
        }
        return n;
    }

    /** Clients waiting for keys or for CLIENT PAUSE to end: INFO's blocked_clients. */
    public int count() {
        return byClient.size() + postponed.size();
    }

    // ---- CLIENT PAUSE ----

    /** Holds a command until the pause ends ({@link Client#postponed()}); its arguments stay in the client. */
    void postpone(Client c) {
        c.postponed = true;
        postponed.add(c);
    }

    /** The pause ended: every held client runs its command and goes on reading. */
    void releasePostponed() {
        List<Client> waiting = new ArrayList<>(postponed);
        postponed.clear();
        for (Client c : waiting) {
            c.postponed = false;
            if (c.connection != null) {
                c.connection.resume();
            }
        }
    }
}
