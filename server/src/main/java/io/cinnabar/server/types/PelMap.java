package io.cinnabar.server.types;

import java.util.Arrays;

/**
 * A pending entries list: stream IDs to {@link StreamNack}s in ID order, what Redis keeps in a radix tree of 16-byte
 * big-endian keys. Here the IDs sit in leaves of up to 64 entries as {@code long} pairs in one array (no object per
 * ID), the leaves in an array searched by a lower bound of their IDs, so a lookup is two searches over contiguous
 * arrays instead of a walk through a tree of objects. Consumer groups append in ID order and acknowledge mostly
 * in order: a full last leaf is not split when an ID goes past its end, and an emptied leaf is dropped.
 *
 * <p>A PEL of a million entries does not fit a core's caches, so what a lookup costs is the cache lines it reads
 * (XACK measured: two binary searches per map were most of its time). Stream IDs are close to evenly spread
 * (a sequence, or times), so both searches start at the position the ID's value interpolates to between known
 * bounds and gallop from there: an exact guess reads one or two lines instead of the five or six of the last
 * steps of a binary search, and a bad one costs at most twice a binary search.
 *
 * <p>A consumer's PEL ({@code tracksNacks}) also records in each NACK the leaf and slot holding it, so XACK, having
 * found the NACK in the group's PEL, removes it from the consumer's without a second search. A removal leaves the
 * ID in its slot with no value (nothing shifts, so the recorded slots of the others stay right); insertions reuse
 * or squeeze out such slots. A NACK is in one consumer's PEL at a time, which is what lets that record be trusted
 * once the slot it names holds the very NACK.
 *
 * <p>Positions ({@link #ceiling}, {@link #next}, ...) are {@code leaf << 32 | slot}, or -1 for none; any change to
 * the map invalidates them. Not thread-safe: executor thread only.
 */
public final class PelMap {
    private static final int LEAF = 64;

    /** IDs as ms, seq pairs in one array: a step of a search reads both halves from one cache line. */
    static final class Leaf {
        final long[] ids = new long[2 * LEAF];
        final StreamNack[] values = new StreamNack[LEAF];
        /** The map the leaf is in, for {@link #removeNack} to trust a NACK's record of its leaf. */
        final PelMap map;
        /** Slots in use: IDs in order, removed ones (null values) among them ({@link #clear}). */
        int n;
        /** Slots with a value; the leaf is dropped when none is left. */
        int live;

        Leaf(PelMap map) {
            this.map = map;
        }
    }

    private final boolean tracksNacks;
    private Leaf[] leaves = new Leaf[1];
    /**
     * Each leaf's arrays again, beside {@link #leaves}: a search reads them at once with the leaf instead of
     * after it (on a large PEL each of those reads is a cache miss, and they were one after another).
     */
    private long[][] leafIds = new long[1][];
    private StreamNack[][] leafValues = new StreamNack[1][];
    /**
     * Each leaf's lower bound (ms, seq pairs), apart from the leaves so the search over leaves reads one array:
     * every ID of leaf i is at least its bound and below the bound of leaf i + 1. A bound is the leaf's first ID
     * when the leaf is made (or an ID goes below it) and is not raised when that ID is removed, which keeps a
     * removal from having to find the leaf's index.
     */
    private long[] bounds = new long[2];
    private int leafCount;
    private int size;

    public PelMap() {
        this(false);
    }

    /** With {@code tracksNacks}, each value records its leaf here ({@link #removeNack}): a consumer's PEL. */
    public PelMap(boolean tracksNacks) {
        this.tracksNacks = tracksNacks;
    }

    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    // ---- searches ----

    /** {@code x - y} as an unsigned number, for interpolating between unsigned IDs. */
    private static double unsignedDiff(long x, long y) {
        long d = x - y;
        return d >= 0 ? d : d + 0x1p64;
    }

    /**
     * Where ms-seq falls between IDs lo and hi (lo <= ms-seq <= hi, lo < hi), as a fraction: by ms when the ms
     * differ, else by seq. Outside those bounds (callers guess from approximate bounds) the result is clamped
     * by the caller.
     */
    private static double fraction(long loMs, long loSeq, long hiMs, long hiSeq, long ms, long seq) {
        if (loMs != hiMs) {
            return Long.compareUnsigned(ms, loMs) <= 0 ? 0 : unsignedDiff(ms, loMs) / unsignedDiff(hiMs, loMs);
        }
        if (ms != loMs || Long.compareUnsigned(seq, loSeq) <= 0 || Long.compareUnsigned(hiSeq, loSeq) <= 0) {
            return Long.compareUnsigned(ms, loMs) > 0 ? 1 : 0;
        }
        return unsignedDiff(seq, loSeq) / unsignedDiff(hiSeq, loSeq);
    }

    /** The index a fraction of the way through n pairs, within them. */
    private static int guess(double fraction, int n) {
        int g = (int) (fraction * n);
        return g < 0 ? 0 : Math.min(g, n - 1);
    }

    private static boolean atMost(long[] a, int i, long ms, long seq) {
        return StreamID.compare(a[2 * i], a[2 * i + 1], ms, seq) <= 0;
    }

    /**
     * The index of the last of the n pairs in {@code a} that is at most ms-seq, or -1: probes {@code guess}, then
     * gallops away from it (1, 2, 4, ... pairs) until the answer is bracketed, then bisects the bracket.
     */
    private static int floor(long[] a, int n, long ms, long seq, int guess) {
        int lo = -1; // -1 or a pair at most ms-seq
        int hi = n; // n or a pair above ms-seq
        if (atMost(a, guess, ms, seq)) {
            lo = guess;
            for (int step = 1; ; step <<= 1) {
                int p = lo + step;
                if (p >= hi) {
                    break;
                }
                if (atMost(a, p, ms, seq)) {
                    lo = p;
                } else {
                    hi = p;
                    break;
                }
            }
        } else {
            hi = guess;
            for (int step = 1; ; step <<= 1) {
                int p = hi - step;
                if (p <= lo) {
                    break;
                }
                if (atMost(a, p, ms, seq)) {
                    lo = p;
                    break;
                }
                hi = p;
            }
        }
        while (hi - lo > 1) {
            int mid = (lo + hi) >>> 1;
            if (atMost(a, mid, ms, seq)) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** The last leaf whose bound is at most ms-seq, or -1 when ms-seq is below every bound (or there is none). */
    private int leafFor(long ms, long seq) {
        int count = leafCount;
        if (count <= 1) {
            return count == 1 && atMost(bounds, 0, ms, seq) ? 0 : -1;
        }
        long[] b = bounds;
        int last = count - 1;
        // Between the first and the last bound; at or past the last bound, guess the last leaf.
        double f = fraction(b[0], b[1], b[2 * last], b[2 * last + 1], ms, seq);
        return floor(b, count, ms, seq, f >= 1 ? last : guess(f, last));
    }

    /** The slot of ms-seq in leaf li, or -(insertion point + 1). */
    private int slot(int li, long ms, long seq) {
        long[] ids = leafIds[li];
        int n = leaves[li].n;
        double f;
        if (li + 1 < leafCount) { // between this leaf's bound and the next one's, both read by the leaf search
            f = fraction(bounds[2 * li], bounds[2 * li + 1], bounds[2 * li + 2], bounds[2 * li + 3], ms, seq);
        } else {
            f = fraction(bounds[2 * li], bounds[2 * li + 1], ids[2 * n - 2], ids[2 * n - 1], ms, seq);
        }
        return slotAt(ids, n, ms, seq, guess(f, n));
    }

    private static int slotAt(long[] ids, int n, long ms, long seq, int guess) {
        int f = floor(ids, n, ms, seq, guess);
        if (f >= 0 && ids[2 * f] == ms && ids[2 * f + 1] == seq) {
            return f;
        }
        return -(f + 2);
    }

    /** The slot of ms-seq in a leaf found without the leaf search (so without bounds): between its ends. */
    private static int slotIn(Leaf l, long ms, long seq) {
        long[] ids = l.ids;
        int n = l.n;
        if (n == 0) {
            return -1;
        }
        double f = fraction(ids[0], ids[1], ids[2 * n - 2], ids[2 * n - 1], ms, seq);
        return slotAt(ids, n, ms, seq, guess(f, n));
    }

    // ---- lookups and changes ----

    public StreamNack get(long ms, long seq) {
        int li = leafFor(ms, seq);
        if (li < 0) {
            return null;
        }
        int s = slot(li, ms, seq);
        return s >= 0 ? leafValues[li][s] : null;
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
            Leaf l = new Leaf(this);
            insertLeaf(0, l, ms, seq);
            insertAt(l, 0, ms, seq, nack);
            return null;
        }
        int li = leafFor(ms, seq);
        if (li < 0) { // below every ID: the first leaf takes it and its bound goes down to it
            li = 0;
            bounds[0] = ms;
            bounds[1] = seq;
        }
        Leaf l = leaves[li];
        int s = slot(li, ms, seq);
        if (s >= 0) {
            StreamNack old = l.values[s];
            if (old == null) {
                l.live++;
                size++;
            }
            setValue(l, s, nack);
            return old;
        }
        int ins = -(s + 1);
        // A removed slot next to the insertion point takes the ID: the IDs stay in order and nothing moves.
        if (ins > 0 && l.values[ins - 1] == null) {
            reuse(l, ins - 1, ms, seq, nack);
            return null;
        }
        if (ins < l.n && l.values[ins] == null) {
            reuse(l, ins, ms, seq, nack);
            return null;
        }
        if (l.n == LEAF && LEAF - l.live >= LEAF / 4) {
            ins = compact(l, ins);
        }
        if (l.n < LEAF) {
            insertAt(l, ins, ms, seq, nack);
            return null;
        }
        if (ins == LEAF && li == leafCount - 1) {
            Leaf fresh = new Leaf(this); // IDs arrive in order: start a new last leaf, leave this one full
            insertLeaf(leafCount, fresh, ms, seq);
            insertAt(fresh, 0, ms, seq, nack);
            return null;
        }
        Leaf right = new Leaf(this);
        int half = LEAF / 2;
        System.arraycopy(l.ids, 2 * half, right.ids, 0, 2 * (LEAF - half));
        System.arraycopy(l.values, half, right.values, 0, LEAF - half);
        Arrays.fill(l.values, half, LEAF, null);
        right.n = LEAF - half;
        l.n = half;
        for (int i = 0; i < right.n; i++) {
            StreamNack v = right.values[i];
            if (v != null) {
                right.live++;
                if (tracksNacks) {
                    v.leaf = right;
                    v.slot = i;
                }
            }
        }
        l.live -= right.live;
        insertLeaf(li + 1, right, right.ids[0], right.ids[1]);
        if (ins <= half) {
            insertAt(l, ins, ms, seq, nack);
        } else {
            insertAt(right, ins - half, ms, seq, nack);
        }
        return null;
    }

    public StreamNack put(StreamID id, StreamNack nack) {
        return put(id.ms, id.seq, nack);
    }

    private void setValue(Leaf l, int at, StreamNack nack) {
        l.values[at] = nack;
        if (tracksNacks) {
            nack.leaf = l;
            nack.slot = at;
        }
    }

    private void reuse(Leaf l, int at, long ms, long seq, StreamNack nack) {
        l.ids[2 * at] = ms;
        l.ids[2 * at + 1] = seq;
        setValue(l, at, nack);
        l.live++;
        size++;
    }

    private void insertAt(Leaf l, int at, long ms, long seq, StreamNack nack) {
        int move = l.n - at;
        System.arraycopy(l.ids, 2 * at, l.ids, 2 * at + 2, 2 * move);
        System.arraycopy(l.values, at, l.values, at + 1, move);
        l.ids[2 * at] = ms;
        l.ids[2 * at + 1] = seq;
        setValue(l, at, nack);
        l.n++;
        l.live++;
        size++;
    }

    /** Squeezes the removed slots out of a leaf; returns where insertion point {@code ins} went. */
    private static int compact(Leaf l, int ins) {
        long[] ids = l.ids;
        StreamNack[] values = l.values;
        int w = 0;
        int moved = ins;
        for (int r = 0; r < l.n; r++) {
            if (values[r] != null) {
                ids[2 * w] = ids[2 * r];
                ids[2 * w + 1] = ids[2 * r + 1];
                values[w++] = values[r];
            } else if (r < ins) {
                moved--;
            }
        }
        Arrays.fill(values, w, l.n, null);
        l.n = w;
        return moved;
    }

    private void insertLeaf(int at, Leaf l, long boundMs, long boundSeq) {
        if (leafCount == leaves.length) {
            int grown = leafCount + (leafCount >> 1) + 1;
            leaves = Arrays.copyOf(leaves, grown);
            leafIds = Arrays.copyOf(leafIds, grown);
            leafValues = Arrays.copyOf(leafValues, grown);
            bounds = Arrays.copyOf(bounds, 2 * grown);
        }
        System.arraycopy(leaves, at, leaves, at + 1, leafCount - at);
        System.arraycopy(leafIds, at, leafIds, at + 1, leafCount - at);
        System.arraycopy(leafValues, at, leafValues, at + 1, leafCount - at);
        System.arraycopy(bounds, 2 * at, bounds, 2 * at + 2, 2 * (leafCount - at));
        leaves[at] = l;
        leafIds[at] = l.ids;
        leafValues[at] = l.values;
        bounds[2 * at] = boundMs;
        bounds[2 * at + 1] = boundSeq;
        leafCount++;
    }

    /** Removes ms-seq; returns what it mapped to, or null. */
    public StreamNack remove(long ms, long seq) {
        int li = leafFor(ms, seq);
        if (li < 0) {
            return null;
        }
        int s = slot(li, ms, seq);
        if (s < 0) {
            return null;
        }
        StreamNack old = leafValues[li][s];
        if (old != null) {
            Leaf l = leaves[li];
            clear(l, s);
            if (l.live == 0) {
                dropLeaf(li);
            }
        }
        return old;
    }

    public StreamNack remove(StreamID id) {
        return remove(id.ms, id.seq);
    }

    /**
     * Removes ms-seq, which maps to {@code nack} here (a consumer's PEL, {@code tracksNacks}): straight in the leaf
     * the NACK recorded, with no search over the leaves unless that leaf empties. Returns whether it was here.
     */
    public boolean removeNack(long ms, long seq, StreamNack nack) {
        Leaf l = nack.leaf;
        if (l == null || l.map != this) { // not recorded here (not a tracking map): search
            return remove(ms, seq) != null;
        }
        int s = nack.slot;
        if (s >= l.n || l.values[s] != nack) { // it moved in its leaf (an insertion or compaction before it)
            s = slotIn(l, ms, seq);
            if (s < 0 || l.values[s] != nack) {
                return remove(ms, seq) != null;
            }
        }
        nack.leaf = null;
        clear(l, s);
        if (l.live == 0) {
            int li = leafFor(ms, seq); // the bounds still place ms-seq in its (now empty) leaf
            if (li < 0 || leaves[li] != l) {
                throw new IllegalStateException("PEL leaf not at its bound");
            }
            dropLeaf(li);
        }
        return true;
    }

    /**
     * Empties a slot, leaving its ID in place: a removal moves nothing (acknowledging in order would otherwise
     * shift the whole leaf each time), and searches still see ordered IDs. Removed slots at the end are let go.
     */
    private void clear(Leaf l, int s) {
        StreamNack[] values = l.values;
        values[s] = null;
        l.live--;
        size--;
        if (s == l.n - 1) {
            int n = s;
            while (n > 0 && values[n - 1] == null) {
                n--;
            }
            l.n = n;
        }
    }

    /** Drops an emptied leaf: IDs in its range now belong to the leaf before it (or, below all, to the first). */
    private void dropLeaf(int li) {
        int after = leafCount - li - 1;
        System.arraycopy(leaves, li + 1, leaves, li, after);
        System.arraycopy(leafIds, li + 1, leafIds, li, after);
        System.arraycopy(leafValues, li + 1, leafValues, li, after);
        System.arraycopy(bounds, 2 * li + 2, bounds, 2 * li, 2 * after);
        leafCount--;
        leaves[leafCount] = null;
        leafIds[leafCount] = null;
        leafValues[leafCount] = null;
    }

    // ---- positions ----

    private static long pos(int leaf, int slot) {
        return (long) leaf << 32 | slot;
    }

    /** The first entry at or after slot {@code at} of leaf li (past removed slots), or -1. */
    private long liveFrom(int li, int at) {
        for (; li < leafCount; li++, at = 0) {
            Leaf l = leaves[li];
            for (; at < l.n; at++) {
                if (l.values[at] != null) {
                    return pos(li, at);
                }
            }
        }
        return -1;
    }

    /** The first entry, or -1. */
    public long first() {
        return liveFrom(0, 0);
    }

    /** The last entry, or -1. */
    public long last() {
        if (size == 0) {
            return -1;
        }
        Leaf l = leaves[leafCount - 1];
        int at = l.n - 1;
        while (l.values[at] == null) {
            at--;
        }
        return pos(leafCount - 1, at);
    }

    /** The first entry at or after ms-seq, or -1. */
    public long ceiling(long ms, long seq) {
        if (size == 0) {
            return -1;
        }
        int li = leafFor(ms, seq);
        if (li < 0) {
            return first();
        }
        int s = slot(li, ms, seq);
        return liveFrom(li, s >= 0 ? s : -(s + 1));
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
        return liveFrom((int) (pos >>> 32), (int) pos + 1);
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
        return 16 + 3 * (16 + 4L * leaves.length) + 16 + 8L * bounds.length + (long) leafCount * (24 + 16 + 16 * LEAF + 16 + 4 * LEAF);
    }
}
