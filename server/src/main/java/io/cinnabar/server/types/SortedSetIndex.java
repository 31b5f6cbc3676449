package io.cinnabar.server.types;

import it.unimi.dsi.fastutil.bytes.ByteArrays;
import it.unimi.dsi.fastutil.objects.Object2DoubleOpenCustomHashMap;
import java.util.SplittableRandom;

/**
 * A sorted set in Redis's {@code skiplist} encoding: the {@link SkipList} for order and rank plus a hash from member
 * to score for O(1) ZSCORE and membership, as Redis's zset struct pairs a zskiplist with a dict. Both share the
 * member's byte array. The map is fastutil's open-addressing map with a byte-array strategy: two flat arrays (keys,
 * primitive scores), no entry object per member.
 *
 * <p>Every change goes through this class so the two halves never disagree. Scores are never NaN: {@link #add}
 * refuses one and {@link #incr} reports it without changing anything, as ZADD/ZINCRBY answer "resulting score is
 * not a number (NaN)".
 *
 * <p>Follows Redis 7.0's t_zset.c (zsetAdd, zsetRemoveFromSkiplist; BSD-3-Clause, Copyright (c) 2009-2012 Salvatore
 * Sanfilippo, Pieter Noordhuis; see NOTICE). Not thread-safe: owned by the executor.
 */
public final class SortedSetIndex {
    /** What {@link #score} returns for a member that is not there; no stored score is NaN. */
    public static final double ABSENT = Double.NaN;

    private final SkipList list;
    private final Object2DoubleOpenCustomHashMap<byte[]> scores;
    /** Removes each member a range deletion unlinks from the map, then tells the caller's listener. */
    private final Forwarder forwarder = new Forwarder();

    public SortedSetIndex(SplittableRandom random) {
        this(random, 16);
    }

    /** {@code expected}: members about to be added (conversion from a listpack knows the count). */
    public SortedSetIndex(SplittableRandom random, int expected) {
        this.list = new SkipList(random);
        this.scores = new Object2DoubleOpenCustomHashMap<>(expected, ByteArrays.HASH_STRATEGY);
        this.scores.defaultReturnValue(ABSENT);
    }

    public int size() {
        return scores.size();
    }

    /** The ordered half, for ranges, rank access and iteration; change it only through this class. */
    public SkipList list() {
        return list;
    }

    /** The member's score, or {@link #ABSENT} (NaN; test with {@code Double.isNaN}). */
    public double score(byte[] member) {
        return scores.getDouble(member);
    }

    public boolean contains(byte[] member) {
        return scores.containsKey(member);
    }

    /**
     * Sets the member's score; returns true if the member was added, false if it was there (score updated or
     * equal). A new member's array is kept: the caller must not modify it afterwards.
     */
    public boolean add(byte[] member, double score) {
        if (Double.isNaN(score)) {
            throw new IllegalArgumentException("NaN score");
        }
        double old = scores.getDouble(member);
        if (Double.isNaN(old)) {
            SkipList.Node node = list.insert(member, score);
            scores.put(node.member, score);
            return true;
        }
        // the same comparison as zsetAdd: an equal score (0 == -0 included) leaves the node untouched
        if (old != score) {
            SkipList.Node node = list.updateScore(member, old, score);
            scores.put(node.member, score);
        }
        return false;
    }

    /**
     * Adds {@code delta} to the member's score (a missing member starts at 0) and returns the new score, or NaN
     * without changing anything if the sum is not a number (+inf plus -inf). As {@link #add}, a new member's array
     * is kept.
     */
    public double incr(byte[] member, double delta) {
        double old = scores.getDouble(member);
        double updated = (Double.isNaN(old) ? 0 : old) + delta;
        if (Double.isNaN(updated)) {
            return Double.NaN;
        }
        add(member, updated);
        return updated;
    }

    /** Removes the member; returns false if it was not there. */
    public boolean remove(byte[] member) {
        if (!scores.containsKey(member)) {
            return false;
        }
        double score = scores.removeDouble(member);
        list.delete(member, score);
        return true;
    }

    /** The member's 0-based rank, from the highest when {@code reverse} (ZREVRANK), or -1 if absent. */
    public long rank(byte[] member, boolean reverse) {
        double score = scores.getDouble(member);
        if (Double.isNaN(score)) {
            return -1;
        }
        long rank = list.rank(member, score);
        return reverse ? list.length() - 1 - rank : rank;
    }

    /** ZREMRANGEBYSCORE: removes the members in range from both halves; {@code listener} may be null. */
    public long removeRangeByScore(SkipList.ScoreRange range, SkipList.RemovalListener listener) {
        forwarder.target = listener;
        try {
            return list.deleteRangeByScore(range, forwarder);
        } finally {
            forwarder.target = null;
        }
    }

    /** ZREMRANGEBYLEX. */
    public long removeRangeByLex(SkipList.LexRange range, SkipList.RemovalListener listener) {
        forwarder.target = listener;
        try {
            return list.deleteRangeByLex(range, forwarder);
        } finally {
            forwarder.target = null;
        }
    }

    /** ZREMRANGEBYRANK with 0-based inclusive ranks already clamped to the set. */
    public long removeRangeByRank(long start, long end, SkipList.RemovalListener listener) {
        forwarder.target = listener;
        try {
            return list.deleteRangeByRank(start, end, forwarder);
        } finally {
            forwarder.target = null;
        }
    }

    /** A deep copy (COPY): same members and scores; the member arrays are shared, they are never modified. */
    public SortedSetIndex copy(SplittableRandom random) {
        SortedSetIndex c = new SortedSetIndex(random, size());
        // inserting in ascending order appends each node at the end of the list
        for (SkipList.Node x = list.first(); x != null; x = x.next()) {
            SkipList.Node node = c.list.insert(x.member(), x.score());
            c.scores.put(node.member(), x.score());
        }
        return c;
    }

    /** A field rather than a lambda so a range deletion allocates nothing. */
    private final class Forwarder implements SkipList.RemovalListener {
        SkipList.RemovalListener target;

        @Override
        public void removed(byte[] member, double score) {
            scores.removeDouble(member);
            if (target != null) {
                target.removed(member, score);
            }
        }
    }
}
