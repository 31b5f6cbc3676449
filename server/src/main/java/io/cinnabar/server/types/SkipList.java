package io.cinnabar.server.types;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The ordered half of a sorted set in Redis's {@code skiplist} encoding: Redis 7.0's zskiplist. Nodes are ordered by
 * score, ties by member bytes compared as memcmp (unsigned, a prefix first); every forward link carries a span, the
 * number of level-0 steps it skips, so rank lookups and rank access are O(log n) like ZRANK and ZRANGE need. The
 * member to score half lives in {@link SortedSetIndex}, which keeps the two in step.
 *
 * <p>Scores compare with Java's primitive operators, as C does: {@code -0.0 == 0.0}, so a member scored -0 and one
 * scored 0 tie and are ordered by member (real Redis 7.0: {@code ZADD z 0 b -0 a 0 c} in skiplist encoding ranges
 * as a, b, c). NaN is never a score; callers reject it before it gets here.
 *
 * <p>Levels are drawn with p = 1/4 and capped at 32 as zslRandomLevel, from the {@link SplittableRandom} given to
 * the constructor so tests are deterministic. Ranks in this API are 0-based (Redis's zsl functions are 1-based).
 *
 * <p>Follows Redis 7.0's t_zset.c (BSD-3-Clause, Copyright (c) 2009-2012 Salvatore Sanfilippo, Pieter Noordhuis;
 * see NOTICE) in structure and rules; the methods that port a loop closely say so. Not thread-safe: owned by the
 * executor.
 */
public final class SkipList {
    /** ZSKIPLIST_MAXLEVEL. */
    public static final int MAX_LEVEL = 32;

    /**
     * A node: member, score, the link back at level 0 and, per level, the next node and the span to it. The
     * header node has no member and all 32 levels.
     */
    public static final class Node {
        final byte[] member;
        double score;
        Node backward;
        final Node[] next;
        final int[] span;

        Node(int level, byte[] member, double score) {
            this.member = member;
            this.score = score;
            this.next = new Node[level];
            this.span = new int[level];
        }

        /** The member bytes, shared with the map; must not be modified. */
        public byte[] member() {
            return member;
        }

        public double score() {
            return score;
        }

        /** The following node in ascending order, or null at the end. */
        public Node next() {
            return next[0];
        }

        /** The preceding node, or null at the start. */
        public Node prev() {
            return backward;
        }

        int level() {
            return next.length;
        }

        @Override
        public String toString() {
            return new String(member, java.nio.charset.StandardCharsets.ISO_8859_1) + "=" + score;
        }
    }

    /** Receives each node a deleteRange* call unlinks, in ascending order. */
    public interface RemovalListener {
        void removed(byte[] member, double score);
    }

    /**
     * A score interval as Redis's zrangespec: inclusive or exclusive at each end; infinities are plain bounds.
     */
    public static final class ScoreRange {
        public final double min;
        public final double max;
        public final boolean minExclusive;
        public final boolean maxExclusive;

        public ScoreRange(double min, boolean minExclusive, double max, boolean maxExclusive) {
            this.min = min;
            this.max = max;
            this.minExclusive = minExclusive;
            this.maxExclusive = maxExclusive;
        }

        /** zslValueGteMin. */
        public boolean aboveMin(double value) {
            return minExclusive ? value > min : value >= min;
        }

        /** zslValueLteMax. */
        public boolean belowMax(double value) {
            return maxExclusive ? value < max : value <= max;
        }

        /** True when no score can be inside (min above max, or equal with an exclusive end). */
        public boolean isEmpty() {
            return min > max || (min == max && (minExclusive || maxExclusive));
        }
    }

    /**
     * A member interval as Redis's zlexrangespec, parsed by {@link #parse}: {@code [x} inclusive, {@code (x}
     * exclusive, {@code -} below everything, {@code +} above everything. Members compare as memcmp.
     */
    public static final class LexRange {
        /** Sentinels standing for Redis's shared.minstring / shared.maxstring; compared by identity. */
        private static final byte[] MIN = new byte[0];
        private static final byte[] MAX = new byte[0];

        final byte[] min;
        final byte[] max;
        final boolean minExclusive;
        final boolean maxExclusive;

        private LexRange(byte[] min, boolean minExclusive, byte[] max, boolean maxExclusive) {
            this.min = min;
            this.max = max;
            this.minExclusive = minExclusive;
            this.maxExclusive = maxExclusive;
        }

        /**
         * zslParseLexRange: returns null if either bound is not a valid item (the caller replies "min or max not
         * valid string range item"). The bound bytes after the prefix are copied.
         */
        public static LexRange parse(byte[] min, byte[] max) {
            byte[] lo = item(min);
            byte[] hi = item(max);
            if (lo == null || hi == null) {
                return null;
            }
            return new LexRange(lo, min[0] != '[', hi, max[0] != '[');
        }

        /**
         * zslParseLexRangeItem. '+' and '-' are checked as C does, {@code c[1] != '\0'}: a NUL right after the
         * sign still counts as the bare sign, since C sees the string end there.
         */
        private static byte[] item(byte[] c) {
            if (c.length == 0) {
                return null; // C reads the terminating NUL: no valid prefix
            }
            switch (c[0]) {
                case '+':
                    return c.length == 1 || c[1] == 0 ? MAX : null;
                case '-':
                    return c.length == 1 || c[1] == 0 ? MIN : null;
                case '(':
                case '[':
                    return Arrays.copyOfRange(c, 1, c.length);
                default:
                    return null;
            }
        }

        /** sdscmplex: the sentinels sort below / above every member. */
        static int compare(byte[] a, byte[] b) {
            if (a == b) {
                return 0;
            }
            if (a == MIN || b == MAX) {
                return -1;
            }
            if (a == MAX || b == MIN) {
                return 1;
            }
            return Arrays.compareUnsigned(a, b);
        }

        /** zslLexValueGteMin. */
        public boolean aboveMin(byte[] member) {
            int c = compare(member, min);
            return minExclusive ? c > 0 : c >= 0;
        }

        /** zslLexValueLteMax. */
        public boolean belowMax(byte[] member) {
            int c = compare(member, max);
            return maxExclusive ? c < 0 : c <= 0;
        }

        /** True when no member can be inside. */
        public boolean isEmpty() {
            int c = compare(min, max);
            return c > 0 || (c == 0 && (minExclusive || maxExclusive));
        }
    }

    private final SplittableRandom random;
    private final Node header = new Node(MAX_LEVEL, null, 0);
    private Node tail;
    private int length;
    /** Number of levels in use (at least 1). */
    private int level = 1;
    /** Scratch for the search paths of insert and delete, reused so a write allocates only its node. */
    private final Node[] update = new Node[MAX_LEVEL];
    private final int[] rankScratch = new int[MAX_LEVEL];

    public SkipList(SplittableRandom random) {
        this.random = random;
    }

    public long length() {
        return length;
    }

    /** The lowest node, or null when empty. */
    public Node first() {
        return header.next[0];
    }

    /** The highest node, or null when empty. */
    public Node last() {
        return tail;
    }

    /** Orders (score, member) pairs as the list does: score, then memcmp of the members. */
    static boolean before(double score, byte[] member, double otherScore, byte[] otherMember) {
        return score < otherScore || (score == otherScore && Arrays.compareUnsigned(member, otherMember) < 0);
    }

    /**
     * zslRandomLevel: each further level with probability 1/4, at most 32. Two random bits per level, taken from
     * one 64-bit draw: the count of trailing zero bit pairs.
     */
    private int randomLevel() {
        int lvl = 1 + (Long.numberOfTrailingZeros(random.nextLong()) >>> 1);
        return Math.min(lvl, MAX_LEVEL);
    }

    /**
     * Inserts a member known to be absent and returns its node. The list keeps {@code member}: the caller must not
     * modify it afterwards. Ported closely from zslInsert.
     */
    public Node insert(byte[] member, double score) {
        if (Double.isNaN(score)) {
            throw new IllegalArgumentException("NaN score");
        }
        Node[] upd = update;
        int[] rank = rankScratch;
        Node x = header;
        for (int i = level - 1; i >= 0; i--) {
            // rank[i] counts the nodes crossed to reach the node before the insertion point at level i
            rank[i] = i == level - 1 ? 0 : rank[i + 1];
            Node f;
            while ((f = x.next[i]) != null && before(f.score, f.member, score, member)) {
                rank[i] += x.span[i];
                x = f;
            }
            upd[i] = x;
        }
        int lvl = randomLevel();
        if (lvl > level) {
            for (int i = level; i < lvl; i++) {
                rank[i] = 0;
                upd[i] = header;
                header.span[i] = length;
            }
            level = lvl;
        }
        x = new Node(lvl, member, score);
        for (int i = 0; i < lvl; i++) {
            x.next[i] = upd[i].next[i];
            upd[i].next[i] = x;
            // the new node takes over the part of update[i]'s span past the insertion point
            x.span[i] = upd[i].span[i] - (rank[0] - rank[i]);
            upd[i].span[i] = (rank[0] - rank[i]) + 1;
        }
        // levels above the new node's now step over one more node
        for (int i = lvl; i < level; i++) {
            upd[i].span[i]++;
        }
        x.backward = upd[0] == header ? null : upd[0];
        if (x.next[0] != null) {
            x.next[0].backward = x;
        } else {
            tail = x;
        }
        length++;
        clearUpdate();
        return x;
    }

    /** Unlinks {@code x} given the search path to it; ported from zslDeleteNode. */
    private void deleteNode(Node x, Node[] upd) {
        for (int i = 0; i < level; i++) {
            if (upd[i].next[i] == x) {
                upd[i].span[i] += x.span[i] - 1;
                upd[i].next[i] = x.next[i];
            } else {
                upd[i].span[i] -= 1;
            }
        }
        if (x.next[0] != null) {
            x.next[0].backward = x.backward;
        } else {
            tail = x.backward;
        }
        while (level > 1 && header.next[level - 1] == null) {
            level--;
        }
        length--;
    }

    /**
     * Fills {@link #update} with, per level, the last node before (score, member) and returns the level-0
     * successor of that path: the node itself if present.
     */
    private Node findPath(byte[] member, double score) {
        Node x = header;
        for (int i = level - 1; i >= 0; i--) {
            Node f;
            while ((f = x.next[i]) != null && before(f.score, f.member, score, member)) {
                x = f;
            }
            update[i] = x;
        }
        return x.next[0];
    }

    private static boolean same(Node x, byte[] member, double score) {
        return x != null && x.score == score && Arrays.equals(x.member, member);
    }

    /** Removes the node with this member and score; returns false if there is none. Ported from zslDelete. */
    public boolean delete(byte[] member, double score) {
        Node x = findPath(member, score);
        boolean found = same(x, member, score);
        if (found) {
            deleteNode(x, update);
        }
        clearUpdate();
        return found;
    }

    /**
     * Moves a member from {@code oldScore} (its current score) to {@code newScore} and returns its node. As
     * zslUpdateScore: when the node stays strictly between its neighbours the score changes in place; otherwise it
     * is unlinked and inserted again (a new node, the member bytes kept).
     *
     * @throws IllegalStateException if the member is not at {@code oldScore}
     */
    public Node updateScore(byte[] member, double oldScore, double newScore) {
        if (Double.isNaN(newScore)) {
            throw new IllegalArgumentException("NaN score");
        }
        Node x = findPath(member, oldScore);
        if (!same(x, member, oldScore)) {
            clearUpdate();
            throw new IllegalStateException("member not found at its score");
        }
        if ((x.backward == null || x.backward.score < newScore)
                && (x.next[0] == null || x.next[0].score > newScore)) {
            x.score = newScore;
            clearUpdate();
            return x;
        }
        deleteNode(x, update);
        return insert(x.member, newScore);
    }

    /**
     * The 0-based rank of the member at {@code score}, or -1 if it is not in the list. Ported from zslGetRank.
     */
    public long rank(byte[] member, double score) {
        long rank = 0;
        Node x = header;
        for (int i = level - 1; i >= 0; i--) {
            Node f;
            while ((f = x.next[i]) != null
                    && (f.score < score
                            || (f.score == score && Arrays.compareUnsigned(f.member, member) <= 0))) {
                rank += x.span[i];
                x = f;
            }
            // x may be the header, which has no member
            if (x.member != null && x.score == score && Arrays.equals(x.member, member)) {
                return rank - 1;
            }
        }
        return -1;
    }

    /** The node at 0-based {@code rank}, or null if out of range. Ported from zslGetElementByRank. */
    public Node byRank(long rank) {
        if (rank < 0 || rank >= length) {
            return null;
        }
        long target = rank + 1;
        long traversed = 0;
        Node x = header;
        for (int i = level - 1; i >= 0; i--) {
            while (x.next[i] != null && traversed + x.span[i] <= target) {
                traversed += x.span[i];
                x = x.next[i];
            }
            if (traversed == target) {
                return x;
            }
        }
        return null;
    }

    /** zslIsInRange: some node may be inside the range (quick test on the two ends). */
    public boolean isInRange(ScoreRange range) {
        if (range.isEmpty()) {
            return false;
        }
        return tail != null && range.aboveMin(tail.score) && range.belowMax(header.next[0].score);
    }

    /** The lowest node inside {@code range}, or null. Ported from zslFirstInRange. */
    public Node firstInRange(ScoreRange range) {
        if (!isInRange(range)) {
            return null;
        }
        Node x = header;
        for (int i = level - 1; i >= 0; i--) {
            // go forward while out of range
            while (x.next[i] != null && !range.aboveMin(x.next[i].score)) {
                x = x.next[i];
            }
        }
        // an inner range, so the next node cannot be null
        x = x.next[0];
        return range.belowMax(x.score) ? x : null;
    }

    /** The highest node inside {@code range}, or null. Ported from zslLastInRange. */
    public Node lastInRange(ScoreRange range) {
        if (!isInRange(range)) {
            return null;
        }
        Node x = header;
        for (int i = level - 1; i >= 0; i--) {
            // go forward while in range
            while (x.next[i] != null && range.belowMax(x.next[i].score)) {
                x = x.next[i];
            }
        }
        // an inner range, so x is not the header
        return range.aboveMin(x.score) ? x : null;
    }

    /** zslIsInLexRange. */
    public boolean isInRange(LexRange range) {
        if (range.isEmpty()) {
            return false;
        }
        return tail != null && range.aboveMin(tail.member) && range.belowMax(header.next[0].member);
    }

    /**
     * The lowest node inside the lex range, or null. Ported from zslFirstInLexRange. Lex ranges only make sense
     * when all scores are equal, as in Redis; the walk assumes members ascend along the list.
     */
    public Node firstInRange(LexRange range) {
        if (!isInRange(range)) {
            return null;
        }
        Node x = header;
        for (int i = level - 1; i >= 0; i--) {
            while (x.next[i] != null && !range.aboveMin(x.next[i].member)) {
                x = x.next[i];
            }
        }
        x = x.next[0];
        return range.belowMax(x.member) ? x : null;
    }

    /** The highest node inside the lex range, or null. Ported from zslLastInLexRange. */
    public Node lastInRange(LexRange range) {
        if (!isInRange(range)) {
            return null;
        }
        Node x = header;
        for (int i = level - 1; i >= 0; i--) {
            while (x.next[i] != null && range.belowMax(x.next[i].member)) {
                x = x.next[i];
            }
        }
        return range.aboveMin(x.member) ? x : null;
    }

    /**
     * Removes every node whose score is inside {@code range}, telling {@code listener} (may be null) about each in
     * ascending order; returns how many. Ported from zslDeleteRangeByScore.
     */
    public long deleteRangeByScore(ScoreRange range, RemovalListener listener) {
        Node x = header;
        for (int i = level - 1; i >= 0; i--) {
            while (x.next[i] != null && !range.aboveMin(x.next[i].score)) {
                x = x.next[i];
            }
            update[i] = x;
        }
        x = x.next[0];
        long removed = 0;
        while (x != null && range.belowMax(x.score)) {
            Node next = x.next[0];
            deleteNode(x, update);
            if (listener != null) {
                listener.removed(x.member, x.score);
            }
            removed++;
            x = next;
        }
        clearUpdate();
        return removed;
    }

    /** As {@link #deleteRangeByScore} for a lex range. Ported from zslDeleteRangeByLex. */
    public long deleteRangeByLex(LexRange range, RemovalListener listener) {
        Node x = header;
        for (int i = level - 1; i >= 0; i--) {
            while (x.next[i] != null && !range.aboveMin(x.next[i].member)) {
                x = x.next[i];
            }
            update[i] = x;
        }
        x = x.next[0];
        long removed = 0;
        while (x != null && range.belowMax(x.member)) {
            Node next = x.next[0];
            deleteNode(x, update);
            if (listener != null) {
                listener.removed(x.member, x.score);
            }
            removed++;
            x = next;
        }
        clearUpdate();
        return removed;
    }

    /**
     * Removes the nodes at 0-based ranks {@code start..end} inclusive (already clamped by the caller as
     * ZREMRANGEBYRANK does); returns how many. Ported from zslDeleteRangeByRank.
     */
    public long deleteRangeByRank(long start, long end, RemovalListener listener) {
        long first = start + 1; // Redis's ranks are 1-based
        long last = end + 1;
        long traversed = 0;
        Node x = header;
        for (int i = level - 1; i >= 0; i--) {
            while (x.next[i] != null && traversed + x.span[i] < first) {
                traversed += x.span[i];
                x = x.next[i];
            }
            update[i] = x;
        }
        traversed++;
        x = x.next[0];
        long removed = 0;
        while (x != null && traversed <= last) {
            Node next = x.next[0];
            deleteNode(x, update);
            if (listener != null) {
                listener.removed(x.member, x.score);
            }
            removed++;
            traversed++;
            x = next;
        }
        clearUpdate();
        return removed;
    }

    /** Drops the scratch references so removed nodes are not kept reachable. */
    private void clearUpdate() {
        Arrays.fill(update, 0, MAX_LEVEL, null);
    }

    /**
     * Checks every invariant (order, backward links, spans, tail, length, level); for tests. Returns null when
     * the list is sound, else what is wrong.
     */
    String check() {
        int n = 0;
        Node prev = null;
        for (Node x = header.next[0]; x != null; x = x.next[0]) {
            if (x.backward != prev) {
                return "backward link of " + x;
            }
            if (prev != null && !before(prev.score, prev.member, x.score, x.member)) {
                return "order at " + x;
            }
            if (x.level() > level) {
                return "node above list level " + x;
            }
            prev = x;
            n++;
        }
        if (n != length) {
            return "length " + length + " but " + n + " nodes";
        }
        if (tail != prev) {
            return "tail";
        }
        if (level > 1 && header.next[level - 1] == null) {
            return "level too high";
        }
        for (int i = 0; i < level; i++) {
            // each span must equal the level-0 distance to the next node at that level
            long pos = 0;
            Node x = header;
            while (x.next[i] != null) {
                Node target = x.next[i];
                long d = 0;
                for (Node y = x; y != target; y = y.next[0]) {
                    d++;
                }
                if (d != x.span[i]) {
                    return "span at level " + i + " after position " + pos;
                }
                pos += d;
                x = target;
            }
        }
        return null;
    }
}
