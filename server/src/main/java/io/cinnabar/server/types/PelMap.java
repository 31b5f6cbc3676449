package io.cinnabar.server.types;

import java.util.Arrays;

/**
 * A pending entries list: stream IDs to {@link StreamNack}s in ID order, what Redis keeps in a radix tree of 16-byte
 * big-endian keys. Here the IDs sit in leaves of up to 64 entries as {@code long} pairs in one array (no object per
 * ID), the leaves in an array searched by their first IDs, so a lookup is two binary searches over contiguous
 * arrays instead of a walk through a tree of objects. Consumer groups append in ID order and acknowledge mostly
 * in order: a full last leaf is not split when an ID goes past its end, and an emptied leaf is dropped.
 *
 * <p>Positions ({@link #ceiling}, {@link #next}, ...) are {@code leaf << 32 | slot}, or -1 for none; any change to
 * the map invalidates them. Not thread-safe: executor thread only.
 */
public final class PelMap {
    private static final int LEAF = 64;

    /** IDs as ms, seq pairs in one array: a step of a binary search reads both halves from one cache line. */
    private static final class Leaf {
        final long[] ids = new long[2 * LEAF];
        final StreamNack[] values = new StreamNack[LEAF];
        int n;
    }

    private Leaf[] leaves = new Leaf[1];
    /** Each leaf's first ID (ms, seq pairs), apart from the leaves, so the search over leaves reads one array. */
    private long[] firsts = new long[2];
    private int leafCount;
    private int size;

    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    /** The last leaf whose first ID is at most ms-seq, or -1 when ms-seq is below every ID (or there is none). */
    private int leafFor(long ms, long seq) {
        int lo = 0;
        int hi = leafCount - 1;
        int found = -1;
        long[] f = firsts;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (StreamID.compare(f[2 * mid], f[2 * mid + 1], ms, seq) <= 0) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }

    /** The slot of ms-seq in the leaf, or -(insertion point + 1). */
    private static int slot(Leaf l, long ms, long seq) {
        int lo = 0;
        int hi = l.n - 1;
        long[] ids = l.ids;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = StreamID.compare(ids[2 * mid], ids[2 * mid + 1], ms, seq);
            if (c < 0) {
                lo = mid + 1;
            } else if (c > 0) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        return -(lo + 1);
    }

    public StreamNack get(long ms, long seq) {
        int li = leafFor(ms, seq);
        if (li < 0) {
            return null;
        }
        Leaf l = leaves[li];
        int s = slot(l, ms, seq);
        return s >= 0 ? l.values[s] : null;
    }

    public StreamNack get(StreamID id) {
        return get(id.ms, id.seq);
    }

    public boolean containsKey(long ms, long seq) {
        return get(ms, seq) != null;
    }

    /** Maps ms-seq to {@code nack}; returns what it mapped to before, or null. */
    public StreamNack put(long ms, long seq, StreamNack nack) {
        if (leafCount == 0) {
            Leaf l = new Leaf();
            insertLeaf(0, l);
            insertAt(l, 0, ms, seq, nack);
            leafFirst(0);
            return null;
        }
        int li = Math.max(leafFor(ms, seq), 0);
        Leaf l = leaves[li];
        int s = slot(l, ms, seq);
        if (s >= 0) {
            StreamNack old = l.values[s];
            l.values[s] = nack;
            return old;
        }
        int ins = -(s + 1);
        if (l.n < LEAF) {
            insertAt(l, ins, ms, seq, nack);
            if (ins == 0) {
                firsts[2 * li] = ms;
                firsts[2 * li + 1] = seq;
            }
            return null;
        }
        if (ins == LEAF && li == leafCount - 1) {
            Leaf fresh = new Leaf(); // IDs arrive in order: start a new last leaf, leave this one full
            insertLeaf(leafCount, fresh);
            insertAt(fresh, 0, ms, seq, nack);
            leafFirst(leafCount - 1);
            return null;
        }
        Leaf right = new Leaf();
        int half = LEAF / 2;
        System.arraycopy(l.ids, 2 * half, right.ids, 0, 2 * (LEAF - half));
        System.arraycopy(l.values, half, right.values, 0, LEAF - half);
        Arrays.fill(l.values, half, LEAF, null);
        right.n = LEAF - half;
        l.n = half;
        insertLeaf(li + 1, right);
        if (ins <= half) {
            insertAt(l, ins, ms, seq, nack);
            if (ins == 0) {
                firsts[2 * li] = ms;
                firsts[2 * li + 1] = seq;
            }
        } else {
            insertAt(right, ins - half, ms, seq, nack);
        }
        leafFirst(li + 1);
        return null;
    }

    public StreamNack put(StreamID id, StreamNack nack) {
        return put(id.ms, id.seq, nack);
    }

    private void insertAt(Leaf l, int at, long ms, long seq, StreamNack nack) {
        int move = l.n - at;
        System.arraycopy(l.ids, 2 * at, l.ids, 2 * at + 2, 2 * move);
        System.arraycopy(l.values, at, l.values, at + 1, move);
        l.ids[2 * at] = ms;
        l.ids[2 * at + 1] = seq;
        l.values[at] = nack;
        l.n++;
        size++;
    }

    /** Puts a leaf at {@code at}; its first ID is read once it has one ({@link #leafFirst}). */
    private void insertLeaf(int at, Leaf l) {
        if (leafCount == leaves.length) {
            int grown = leafCount + (leafCount >> 1) + 1;
            leaves = Arrays.copyOf(leaves, grown);
            firsts = Arrays.copyOf(firsts, 2 * grown);
        }
        System.arraycopy(leaves, at, leaves, at + 1, leafCount - at);
        System.arraycopy(firsts, 2 * at, firsts, 2 * at + 2, 2 * (leafCount - at));
        leaves[at] = l;
        leafCount++;
    }

    private void leafFirst(int li) {
        firsts[2 * li] = leaves[li].ids[0];
        firsts[2 * li + 1] = leaves[li].ids[1];
    }

    /** Removes ms-seq; returns what it mapped to, or null. */
    public StreamNack remove(long ms, long seq) {
        int li = leafFor(ms, seq);
        if (li < 0) {
            return null;
        }
        Leaf l = leaves[li];
        int s = slot(l, ms, seq);
        if (s < 0) {
            return null;
        }
        StreamNack old = l.values[s];
        int move = l.n - s - 1;
        System.arraycopy(l.ids, 2 * s + 2, l.ids, 2 * s, 2 * move);
        System.arraycopy(l.values, s + 1, l.values, s, move);
        l.n--;
        l.values[l.n] = null;
        size--;
        if (l.n == 0) {
            System.arraycopy(leaves, li + 1, leaves, li, leafCount - li - 1);
            System.arraycopy(firsts, 2 * li + 2, firsts, 2 * li, 2 * (leafCount - li - 1));
            leaves[--leafCount] = null;
        } else if (s == 0) {
            leafFirst(li);
        }
        return old;
    }

    public StreamNack remove(StreamID id) {
        return remove(id.ms, id.seq);
    }

    // ---- positions ----

    private static long pos(int leaf, int slot) {
        return (long) leaf << 32 | slot;
    }

    /** The first entry, or -1. */
    public long first() {
        return size == 0 ? -1 : 0;
    }

    /** The last entry, or -1. */
    public long last() {
        return size == 0 ? -1 : pos(leafCount - 1, leaves[leafCount - 1].n - 1);
    }

    /** The first entry at or after ms-seq, or -1. */
    public long ceiling(long ms, long seq) {
        if (size == 0) {
            return -1;
        }
        int li = leafFor(ms, seq);
        if (li < 0) {
            return 0;
        }
        Leaf l = leaves[li];
        int s = slot(l, ms, seq);
        int at = s >= 0 ? s : -(s + 1);
        if (at < l.n) {
            return pos(li, at);
        }
        return li + 1 < leafCount ? pos(li + 1, 0) : -1;
    }

    public long ceiling(StreamID id) {
        return ceiling(id.ms, id.seq);
    }

    /** The first entry after ms-seq, or -1. */
    public long higher(long ms, long seq) {
        long p = ceiling(ms, seq);
        if (p >= 0 && keyMs(p) == ms && keySeq(p) == seq) {
            p = next(p);
        }
        return p;
    }

    /** The entry after {@code pos}, or -1. */
    public long next(long pos) {
        int li = (int) (pos >>> 32);
        int s = (int) pos + 1;
        if (s < leaves[li].n) {
            return pos(li, s);
        }
        return li + 1 < leafCount ? pos(li + 1, 0) : -1;
    }

    public long keyMs(long pos) {
        return leaves[(int) (pos >>> 32)].ids[2 * (int) pos];
    }

    public long keySeq(long pos) {
        return leaves[(int) (pos >>> 32)].ids[2 * (int) pos + 1];
    }

    public StreamID key(long pos) {
        return new StreamID(keyMs(pos), keySeq(pos));
    }

    public StreamNack value(long pos) {
        return leaves[(int) (pos >>> 32)].values[(int) pos];
    }

    /** Heap bytes: the leaf arrays and objects, and the leaf index. */
    long memoryUsage() {
        return 16 + 16 + 4L * leaves.length + 16 + 8L * firsts.length + (long) leafCount * (24 + 16 + 16 * LEAF + 16 + 4 * LEAF);
    }
}
