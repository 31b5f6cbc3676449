package io.cinnabar.server.db;

import java.util.ArrayList;

/**
 * Redis 7.0's slow active expiry cycle (activeExpireCycle in expire.c), run from the server tick {@code hz} times a
 * second: per database it samples keys with a TTL (20 per loop, more with {@code active-expire-effort}), deletes
 * the expired ones and keeps going while more than 10% of a sample was expired, within 25% of a tick's time.
 * Memory of expired keys is reclaimed without anyone touching them. Not thread-safe: runs on the executor.
 */
public final class ActiveExpiry {
    private static final int KEYS_PER_LOOP = 20;
    private static final int SLOW_TIME_PERCENT = 25;
    private static final int ACCEPTABLE_STALE = 10;

    private final Keyspace keyspace;
    private final ArrayList<Dict.Entry> due = new ArrayList<>();
    private final Dict.Visitor sampler = this::sample;
    private final Dict.Visitor dueCollector = this::collectDue;
    private int nextDb;
    private boolean enabled = true;
    // per-step counters, fields so the visitor needs no capture
    private int sampled;
    private int expired;
    private long ttlSum;
    private int ttlSamples;

    public ActiveExpiry(Keyspace keyspace) {
        this.keyspace = keyspace;
    }

    /** DEBUG SET-ACTIVE-EXPIRE turns the cycle off for tests of lazy expiry. */
    public void enabled(boolean enabled) {
        this.enabled = enabled;
    }

    public boolean enabled() {
        return enabled;
    }

    /**
     * Runs one cycle.
     *
     * @param hz     ticks per second, which sets the time budget
     * @param effort active-expire-effort, 1 to 10
     */
    public void cycle(int hz, int effort, long nowMillis) {
        if (!enabled) {
            return;
        }
        int e = effort - 1;
        int keysPerLoop = KEYS_PER_LOOP + KEYS_PER_LOOP / 4 * e;
        long budgetNanos = (SLOW_TIME_PERCENT + 2L * e) * 1_000_000_000L / hz / 100;
        int acceptableStale = ACCEPTABLE_STALE - e;
        long start = System.nanoTime();
        long totalSampled = 0;
        long totalExpired = 0;
        boolean timedOut = false;
        keyspace.now = nowMillis;
        int dbs = keyspace.count();
        for (int j = 0; j < dbs && !timedOut; j++) {
            Database db = keyspace.db(nextDb);
            nextDb = (nextDb + 1) % dbs;
            int iteration = 0;
            boolean repeat;
            do {
                int volatileKeys = db.expires.size();
                if (volatileKeys == 0) {
                    db.averageTtl = 0;
                    break;
                }
                iteration++;
                int target = Math.min(volatileKeys, keysPerLoop);
                int maxBuckets = target * 20;
                int buckets = 0;
                sampled = 0;
                expired = 0;
                ttlSum = 0;
                ttlSamples = 0;
                while (sampled < target && buckets < maxBuckets) {
                    db.expiryCursor = db.expires.scan(db.expiryCursor, sampler);
                    buckets++;
                    if (db.expiryCursor == 0) {
                        break;
                    }
                }
                for (int i = 0; i < due.size(); i++) {
                    Dict.Entry entry = due.get(i);
                    db.expireNow(entry);
                }
                expired = due.size();
                due.clear();
                totalSampled += sampled;
                totalExpired += expired;
                if (ttlSamples > 0) {
                    long avg = ttlSum / ttlSamples;
                    db.averageTtl = db.averageTtl == 0 ? avg : (db.averageTtl / 50) * 49 + avg / 50;
                }
                if ((iteration & 0xf) == 0 && System.nanoTime() - start > budgetNanos) {
                    timedOut = true;
                    keyspace.expiredTimeCapReached++;
                    break;
                }
                repeat = sampled == 0 ? false : (long) expired * 100 / sampled > acceptableStale;
            } while (repeat);
        }
        double current = totalSampled == 0 ? 0 : (double) totalExpired / totalSampled;
        keyspace.expiredStalePercent = current * 0.05 + keyspace.expiredStalePercent * 0.95;
    }

    private void sample(Dict.Entry index) {
        Dict.Entry entry = (Dict.Entry) index.value;
        sampled++;
        if (keyspace.now > entry.expireAt) {
            due.add(entry);
        } else {
            ttlSum += entry.expireAt - keyspace.now;
            ttlSamples++;
        }
    }

    /** Deletes every key whose time has passed, in every database: after a virtual clock jump. */
    public void expireAllDue(long nowMillis) {
        keyspace.now = nowMillis;
        for (int i = 0; i < keyspace.count(); i++) {
            Database db = keyspace.db(i);
            db.expires.forEach(dueCollector);
            for (int k = 0; k < due.size(); k++) {
                db.expireNow(due.get(k));
            }
            due.clear();
        }
    }

    private void collectDue(Dict.Entry index) {
        Dict.Entry entry = (Dict.Entry) index.value;
        if (keyspace.now > entry.expireAt) {
            due.add(entry);
        }
    }
}
