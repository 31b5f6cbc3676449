package io.cinnabar.server.pubsub;

import io.cinnabar.protocol.bytes.Ascii;
import io.cinnabar.protocol.reply.ReplyWriter;
import io.cinnabar.server.db.KeyEvent;
import io.cinnabar.server.db.KeyspaceListener;
import io.cinnabar.server.exec.Client;
import io.cinnabar.server.exec.Engine;
import it.unimi.dsi.fastutil.bytes.ByteArrays;
import it.unimi.dsi.fastutil.objects.Object2ObjectOpenCustomHashMap;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Client-side caching: which clients may hold which keys, and the invalidation messages sent when those keys
 * change, expire or are flushed. Ported from Redis 7.0.15's tracking.c (Copyright (c) 2019, Salvatore Sanfilippo,
 * BSD-3-Clause) with its behaviour, kept here as measured on Redis 7.0.15:
 * <ul>
 *   <li>The tracking table maps a key (whatever its database) to the ids of the clients that read it; a client that
 *   turns tracking off or disconnects leaves its ids behind, dropped lazily when the key is invalidated (so
 *   {@code tracking_total_items} counts them until then, and a client that turns tracking on again gets them).
 *   The ids of a key are visited in rax order, that is by their little-endian bytes.</li>
 *   <li>An invalidation for the client whose command is running is queued and sent after that command's reply (after
 *   the whole EXEC or script); one for any other client, or the redirect target, goes at once.</li>
 *   <li>NOLOOP skips the client whose command is running, whatever changed the key (a read that lazily expires it
 *   too); in BCAST mode it skips the keys that client itself wrote last (a script's writes and expiry count as
 *   nobody's).</li>
 *   <li>BCAST keys are gathered per prefix (prefixes and keys in byte order) and sent once per event-loop turn.</li>
 *   <li>{@code tracking-table-max-keys} is enforced before each command and in the cron by invalidating random keys,
 *   with an effort that grows while the table stays over the limit.</li>
 * </ul>
 * Only the executor touches this state; what a running script reports (its reads and writes) waits for its end
 * through {@link Engine#defer}, in order. Not thread-safe.
 */
public final class Tracking {
    private static final byte[] INVALIDATE = Ascii.bytes("invalidate");
    private static final byte[] REDIR_BROKEN = Ascii.bytes("tracking-redir-broken");
    private static final byte[] MESSAGE = Ascii.bytes("message");
    private static final byte[] CHANNEL = Ascii.bytes("__redis__:invalidate");
    private static final byte[] NULL_RESP2 = Ascii.bytes("$-1\r\n");
    private static final byte[] NULL_RESP3 = Ascii.bytes("_\r\n");

    /** One key of the tracking table and the ids of the clients that may cache it, in rax order. */
    private static final class Entry {
        final byte[] key;
        /** Position in {@link #entries}, for picking random keys to evict. */
        int index;
        long[] ids = new long[2];
        int size;

        Entry(byte[] key) {
            this.key = key;
        }

        /** raxTryInsert of the id's memory bytes: false if present. */
        boolean add(long id) {
            long order = Long.reverseBytes(id);
            int lo = 0;
            int hi = size - 1;
            while (lo <= hi) {
                int mid = (lo + hi) >>> 1;
                int cmp = Long.compareUnsigned(Long.reverseBytes(ids[mid]), order);
                if (cmp == 0) {
                    return false;
                } else if (cmp < 0) {
                    lo = mid + 1;
                } else {
                    hi = mid - 1;
                }
            }
            if (size == ids.length) {
                ids = Arrays.copyOf(ids, size * 2);
            }
            System.arraycopy(ids, lo, ids, lo + 1, size - lo);
            ids[lo] = id;
            size++;
            return true;
        }
    }

    /** bcastState: the keys of one prefix changed in this event-loop turn (with their last writer) and its clients. */
    private static final class Prefix {
        TreeMap<byte[], Client> keys = new TreeMap<>(Arrays::compareUnsigned);
        final ArrayList<Client> clients = new ArrayList<>(2);
    }

    private final Engine engine;
    private final Object2ObjectOpenCustomHashMap<byte[], Entry> table =
            new Object2ObjectOpenCustomHashMap<>(ByteArrays.HASH_STRATEGY);
    private final ArrayList<Entry> entries = new ArrayList<>();
    /** TrackingTableTotalItems: ids stored across the table. */
    private long totalItems;
    private final TreeMap<byte[], Prefix> prefixes = new TreeMap<>(Arrays::compareUnsigned);
    /** server.tracking_clients. */
    private int clients;
    /** server.current_client: the client whose top-level command is running, or null. */
    private Client current;
    /** trackingLimitUsedSlots's timeout_counter. */
    private int evictionTimeouts;
    private boolean broadcastScheduled;
    private final Runnable broadcast = this::broadcastInvalidations;

    public Tracking(Engine engine) {
        this.engine = engine;
    }

    /**
     * signalModifiedKey's trackingInvalidateKey, heard before keyspace notifications are published (Redis
     * invalidates first, then notifies), and trackingInvalidateKeysOnFlush.
     */
    public KeyspaceListener writeListener() {
        return new KeyspaceListener() {
            @Override
            public void keyModified(int db, byte[] key, KeyEvent event) {
                // "new" always comes with the command's own event, which Redis signals after notifying "new";
                // an expiry is signalled after its notification (deleteExpiredKeyAndPropagate): see expiryListener
                if (event != KeyEvent.NEW_KEY && event != KeyEvent.EXPIRED_KEY) {
                    modified(key, true);
                }
            }

            @Override
            public void databaseFlushing(int db) {
                flushed();
            }
        };
    }

    /** Expired keys: invalidated after the "expired" notification, with no writer (signalModifiedKey(NULL, ...)). */
    public KeyspaceListener expiryListener() {
        return new KeyspaceListener() {
            @Override
            public void keyModified(int db, byte[] key, KeyEvent event) {
                if (event == KeyEvent.EXPIRED_KEY) {
                    modified(key, false);
                }
            }
        };
    }

    private void modified(byte[] key, boolean byCommand) {
        if (table.isEmpty() && prefixes.isEmpty()) {
            return;
        }
        if (!engine.outsideScript()) {
            // a script's write: its writer is the script's own client, which no BCAST NOLOOP client is
            engine.defer(() -> invalidateKey(key, true, null, true));
            return;
        }
        invalidateKey(key, true, byCommand ? current : null, true);
    }

    private void flushed() {
        if (!engine.outsideScript()) {
            engine.defer(this::invalidateOnFlush);
            return;
        }
        invalidateOnFlush();
    }

    // ---- the client's side ----

    /** CLIENT_TRACKING without BCAST: the keys this client reads are to be remembered. */
    public static boolean remembersReads(Client c) {
        ClientTracking t = c.tracking;
        return t != null && t.on && !t.bcast;
    }

    /** trackingRememberKeys: after a read-only command of {@code c} (or of a script it runs) read {@code keys}. */
    public void rememberKeys(Client c, List<byte[]> keys) {
        if (keys.isEmpty()) {
            return;
        }
        if (!engine.outsideScript()) {
            List<byte[]> copies = new ArrayList<>(keys.size());
            for (byte[] k : keys) {
                copies.add(k.clone());
            }
            engine.defer(() -> rememberKeys(c, copies));
            return;
        }
        ClientTracking t = c.tracking;
        if ((t.optin && !t.caching) || (t.optout && t.caching)) {
            return;
        }
        for (byte[] key : keys) {
            Entry e = table.get(key);
            if (e == null) {
                e = new Entry(key);
                table.put(key, e);
                e.index = entries.size();
                entries.add(e);
            }
            if (e.add(c.id)) {
                totalItems++;
            }
        }
    }

    /**
     * checkPrefixCollisionsOrReply: 0 after replying an error for a prefix overlapping one the client has; for two
     * given prefixes overlapping each other, the error and then the index of the first one, which Redis 7.0.15 takes
     * for success (so the client gets the error and then OK, and tracking is on with every prefix). 1 when clean.
     */
    public static int checkPrefixCollisions(Client c, List<byte[]> given) {
        ClientTracking t = c.tracking;
        for (int i = 0; i < given.size(); i++) {
            byte[] p = given.get(i);
            if (t != null && t.prefixes != null) {
                for (byte[] existing : t.prefixes) {
                    if (overlap(existing, p)) {
                        c.error(concat("ERR Prefix '", p, "' overlaps with an existing prefix '", existing,
                                "'. Prefixes for a single client must not overlap."));
                        return 0;
                    }
                }
            }
            for (int j = i + 1; j < given.size(); j++) {
                if (overlap(p, given.get(j))) {
                    c.error(concat("ERR Prefix '", p, "' overlaps with another provided prefix '", given.get(j),
                            "'. Prefixes for a single client must not overlap."));
                    return i;
                }
            }
        }
        return 1;
    }

    /** stringCheckPrefix: one is a prefix of the other. */
    private static boolean overlap(byte[] a, byte[] b) {
        int n = Math.min(a.length, b.length);
        return Arrays.equals(a, 0, n, b, 0, n);
    }

    /** addReplyErrorFormat's text: each %s a C string (to its first NUL), CR and LF made spaces. */
    private static byte[] concat(String a, byte[] p, String b, byte[] q, String rest) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(Ascii.bytes(a));
        out.write(p, 0, cLength(p));
        out.writeBytes(Ascii.bytes(b));
        out.write(q, 0, cLength(q));
        out.writeBytes(Ascii.bytes(rest));
        byte[] text = out.toByteArray();
        for (int i = 0; i < text.length; i++) {
            if (text[i] == '\r' || text[i] == '\n') {
                text[i] = ' ';
            }
        }
        return text;
    }

    private static int cLength(byte[] s) {
        int n = 0;
        while (n < s.length && s[n] != 0) {
            n++;
        }
        return n;
    }

    /**
     * enableTracking: turns tracking on (again) with these options; the caller checked them. Prefixes accumulate
     * while BCAST stays on; BCAST without a prefix tracks the empty prefix.
     */
    public void enable(Client c, long redirect, boolean bcast, boolean optin, boolean optout, boolean noloop,
                       List<byte[]> given) {
        ClientTracking t = c.tracking;
        if (t == null) {
            t = c.tracking = new ClientTracking();
        }
        if (!t.on) {
            clients++;
        }
        t.on = true;
        t.brokenRedirect = false;
        t.bcast = false;
        t.optin = false;
        t.optout = false;
        t.noloop = false;
        t.redirect = redirect;
        if (bcast) {
            t.bcast = true;
            if (given.isEmpty()) {
                enablePrefix(c, t, new byte[0]);
            }
            for (byte[] p : given) {
                enablePrefix(c, t, p);
            }
        }
        t.optin = optin;
        t.optout = optout;
        t.noloop = noloop;
    }

    /** enableBcastTrackingForPrefix. */
    private void enablePrefix(Client c, ClientTracking t, byte[] prefix) {
        Prefix p = prefixes.get(prefix);
        if (p == null) {
            p = new Prefix();
            prefixes.put(prefix, p);
        }
        if (!p.clients.contains(c)) {
            p.clients.add(c);
            if (t.prefixes == null) {
                t.prefixes = ClientTracking.newPrefixSet();
            }
            t.prefixes.add(prefix);
        }
    }

    /**
     * disableTracking (CLIENT TRACKING OFF, RESET, disconnect): leaves its prefixes and clears the flags; the ids it
     * left in the table go lazily.
     */
    public void disable(Client c) {
        ClientTracking t = c.tracking;
        if (t == null) {
            return;
        }
        if (t.bcast && t.prefixes != null) {
            for (byte[] prefix : t.prefixes) {
                Prefix p = prefixes.get(prefix);
                p.clients.remove(c);
                if (p.clients.isEmpty()) {
                    prefixes.remove(prefix);
                }
            }
            t.prefixes = null;
        }
        if (t.on) {
            clients--;
            t.on = false;
            t.brokenRedirect = false;
            t.bcast = false;
            t.optin = false;
            t.optout = false;
            t.caching = false;
            t.noloop = false;
        }
    }

    // ---- around commands ----

    /** The top-level command of {@code c} starts (server.current_client); returns the one to restore after. */
    public Client enter(Client c) {
        Client previous = current;
        current = c;
        return previous;
    }

    /**
     * The top-level command of {@code c} ended ({@code completed}: not postponed): as afterCommand and resetClient,
     * its queued invalidations go after its reply, and CLIENT CACHING holds only until a command that is not
     * CLIENT, outside MULTI. A client whose slow script still runs ends later (see ScriptCommands).
     */
    public void leave(Client c, Client previous, boolean completed) {
        current = previous;
        ClientTracking t = c.tracking;
        if (t != null && completed && !c.waitingForScript) {
            if (t.pending != null && !t.pending.isEmpty()) {
                ArrayList<byte[]> keys = t.pending;
                t.pending = null;
                for (byte[] key : keys) {
                    if (key == null) {
                        send(c, null, nullFor(c));
                    } else {
                        send(c, key, null);
                    }
                }
            }
            if (!c.inMulti() && (c.lastCmd == null || !c.lastCmd.fullName.startsWith("client|"))) {
                t.caching = false;
            }
        }
        if (broadcastScheduled && engine.executor() == null) {
            broadcastInvalidations();
        }
    }

    /** Before a command runs, and in the cron: keeps the table within tracking-table-max-keys. */
    public void beforeCommand() {
        if (clients > 0) {
            limitUsedSlots();
        }
    }

    /** serverCron: the table limit also holds for an idle server (CONFIG SET lowered it). */
    public void cron() {
        beforeCommand();
        if (broadcastScheduled && engine.executor() == null) {
            broadcastInvalidations();
        }
    }

    // ---- invalidation ----

    /** trackingInvalidateKey: {@code writer} is the client that changed the key (BCAST NOLOOP), or null. */
    private void invalidateKey(byte[] key, boolean bcast, Client writer, boolean mayQueue) {
        if (bcast && !prefixes.isEmpty()) {
            rememberKeyToBroadcast(writer, key);
        }
        Entry e = table.remove(key);
        if (e == null) {
            return;
        }
        Entry last = entries.remove(entries.size() - 1);
        if (last != e) {
            entries.set(e.index, last);
            last.index = e.index;
        }
        totalItems -= e.size;
        for (int i = 0; i < e.size; i++) {
            Client target = engine.client(e.ids[i]);
            ClientTracking t = target == null ? null : target.tracking;
            // a client that switched to BCAST gets no more of what it read before
            if (t == null || !t.on || t.bcast) {
                continue;
            }
            if (t.noloop && target == current) {
                continue;
            }
            if (mayQueue && target == current) {
                if (t.pending == null) {
                    t.pending = new ArrayList<>(2);
                }
                t.pending.add(e.key);
            } else {
                send(target, e.key, null);
            }
        }
    }

    /** trackingInvalidateKeysOnFlush: every tracking client is told "all keys" with a null; the table empties. */
    private void invalidateOnFlush() {
        if (clients > 0) {
            for (Client c : engine.clients()) {
                ClientTracking t = c.tracking;
                if (t != null && t.on) {
                    if (c == current) {
                        if (t.pending == null) {
                            t.pending = new ArrayList<>(2);
                        }
                        t.pending.add(null);
                    } else {
                        send(c, null, nullFor(c));
                    }
                }
            }
        }
        table.clear();
        entries.clear();
        totalItems = 0;
    }

    /** shared.null for the tracking client's own protocol (even when the message goes to its redirect target). */
    private static byte[] nullFor(Client c) {
        return c.resp3() ? NULL_RESP3 : NULL_RESP2;
    }

    /**
     * sendTrackingMessage: one key, or {@code proto} (a BCAST array, a flush's null) as it is, to the client or
     * to its redirect target: a push frame under RESP3, a {@code message} on {@code __redis__:invalidate} to a RESP2
     * redirect target in pub/sub mode, nothing to a RESP2 client otherwise.
     */
    private void send(Client c, byte[] key, byte[] proto) {
        ClientTracking t = c.tracking;
        Client to = c;
        boolean redirected = false;
        if (t.redirect != 0) {
            Client target = engine.client(t.redirect);
            if (target == null) {
                t.brokenRedirect = true;
                if (c.resp3() && writable(c)) {
                    c.reply.push(2);
                    c.reply.bulk(REDIR_BROKEN);
                    c.reply.integer(t.redirect);
                    flush(c);
                }
                return;
            }
            to = target;
            redirected = true;
        }
        if (!writable(to)) {
            return;
        }
        ReplyWriter r = to.reply;
        if (to.resp3()) {
            r.push(2);
            r.bulk(INVALIDATE);
        } else if (redirected && to.subscribed()) {
            r.array(3);
            r.bulk(MESSAGE);
            r.bulk(CHANNEL);
        } else {
            return;
        }
        if (proto != null) {
            r.raw(proto);
        } else {
            r.array(1);
            r.bulk(key);
        }
        flush(to);
    }

    private static boolean writable(Client c) {
        return !c.closing && c.reply.buffer().refCnt() > 0;
    }

    private static void flush(Client c) {
        if (c.connection() != null) {
            c.connection().flushSoon();
        }
    }

    // ---- BCAST ----

    /** trackingRememberKeyToBroadcast: the key joins every prefix it starts with, for the end of the turn. */
    private void rememberKeyToBroadcast(Client writer, byte[] key) {
        boolean any = false;
        for (Map.Entry<byte[], Prefix> e : prefixes.entrySet()) {
            byte[] prefix = e.getKey();
            if (prefix.length > key.length || !Arrays.equals(prefix, 0, prefix.length, key, 0, prefix.length)) {
                continue;
            }
            e.getValue().keys.put(key, writer);
            any = true;
        }
        if (any && !broadcastScheduled) {
            broadcastScheduled = true;
            // Redis sends them in beforeSleep: here after the commands of this event-loop turn
            io.netty.util.concurrent.EventExecutor executor = engine.executor();
            if (executor != null) {
                try {
                    executor.execute(broadcast);
                } catch (java.util.concurrent.RejectedExecutionException stopping) {
                    broadcastScheduled = false;
                }
            }
        }
    }

    /** trackingBroadcastInvalidationMessages: per prefix, its changed keys to each of its clients. */
    private void broadcastInvalidations() {
        broadcastScheduled = false;
        if (clients == 0) {
            return;
        }
        for (Prefix p : prefixes.values()) {
            if (p.keys.isEmpty()) {
                continue;
            }
            byte[] proto = broadcastReply(null, p.keys);
            for (Client c : p.clients) {
                if (c.tracking.noloop) {
                    byte[] adhoc = broadcastReply(c, p.keys); // without the keys it changed last itself
                    if (adhoc != null) {
                        send(c, null, adhoc);
                    }
                } else {
                    send(c, null, proto);
                }
            }
            p.keys = new TreeMap<>(Arrays::compareUnsigned);
        }
    }

    /** trackingBuildBroadcastReply: the array of keys, less those {@code exclude} wrote last; null if empty. */
    private static byte[] broadcastReply(Client exclude, TreeMap<byte[], Client> keys) {
        int count = 0;
        for (Client writer : keys.values()) {
            if (exclude == null || writer != exclude) {
                count++;
            }
        }
        if (count == 0) {
            return null;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 + count * 15);
        out.writeBytes(Ascii.bytes("*" + count + "\r\n"));
        for (Map.Entry<byte[], Client> e : keys.entrySet()) {
            if (exclude != null && e.getValue() == exclude) {
                continue;
            }
            byte[] key = e.getKey();
            out.writeBytes(Ascii.bytes("$" + key.length + "\r\n"));
            out.writeBytes(key);
            out.write('\r');
            out.write('\n');
        }
        return out.toByteArray();
    }

    // ---- tracking-table-max-keys ----

    /** trackingLimitUsedSlots: invalidates random keys (telling their clients) until the table fits again. */
    private void limitUsedSlots() {
        long max = engine.config().trackingTableMaxKeys();
        if (max == 0) {
            return;
        }
        if (table.size() <= max) {
            evictionTimeouts = 0;
            return;
        }
        long effort = 100L * (evictionTimeouts + 1L);
        ThreadLocalRandom random = ThreadLocalRandom.current();
        while (effort > 0) {
            effort--;
            if (entries.isEmpty()) {
                break;
            }
            Entry e = entries.get(random.nextInt(entries.size()));
            invalidateKey(e.key, false, null, false);
            if (table.size() <= max) {
                evictionTimeouts = 0;
                return;
            }
        }
        evictionTimeouts++;
    }

    // ---- INFO ----

    /** tracking_clients. */
    public int clients() {
        return clients;
    }

    /** tracking_total_keys. */
    public long totalKeys() {
        return table.size();
    }

    /** tracking_total_items. */
    public long totalItems() {
        return totalItems;
    }

    /** tracking_total_prefixes. */
    public long totalPrefixes() {
        return prefixes.size();
    }
}
