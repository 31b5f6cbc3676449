package io.cinnabar.server.types;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * A stream, kept as Redis 7.0 keeps it (t_stream.c): entries packed into nodes, each node a {@link Listpack} with
 * Redis's exact bytes, keyed by its master entry ID, in ID order. A node holds at most
 * {@code stream-node-max-entries} entries (live and deleted) and stops growing once its bytes plus the new
 * entry's would reach {@code stream-node-max-bytes}, so MAXLEN and MINID with {@code ~} remove the same whole
 * nodes Redis removes and leave the same lengths. Node layout:
 * <pre>
 *   master entry: count | deleted | num-fields | field_1 .. field_N | 0
 *   each entry:   flags | ms-delta | seq-delta | [num-fields | field_1 value_1 ..] or [value_1 ..] | lp-count
 * </pre>
 * (flags: 1 deleted, 2 same fields as the master entry; deltas from the node's master ID). Redis keeps the nodes in
 * a radix tree keyed by the 128-bit big-endian ID; here they sit in an array sorted by master ID (binary search,
 * appends at the end, trimming from the front), and {@link #radixTreeNodes()} counts the nodes Redis's tree would
 * have for the same keys. The consumer groups are {@link StreamGroup}s by name.
 *
 * <p>Ported from Redis 7.0's t_stream.c (streamAppendItem, streamTrim, the stream iterator, streamDup,
 * streamGetEdgeID, lpGetEdgeStreamID; BSD-3-Clause, Copyright (c) 2017 Salvatore Sanfilippo; see NOTICE). Not
 * thread-safe: executor thread only.
 */
public final class StreamValue implements Value {
    private static final int OBJ_STREAM = 6;
    public static final int FLAG_DELETED = 1;
    public static final int FLAG_SAMEFIELDS = 2;
    /** STREAM_LISTPACK_MAX_SIZE: no node grows past 1 GiB whatever the configuration says. */
    static final long LISTPACK_MAX_SIZE = 1L << 30;
    /** Room a new node starts with (Redis preallocates up to 4096 bytes; the array grows as needed here). */
    private static final int NODE_INITIAL_CAPACITY = 128;

    /** One node: its master ID (the radix tree key) and its listpack. */
    static final class Node {
        final long ms;
        final long seq;
        Listpack lp;

        Node(long ms, long seq, Listpack lp) {
            this.ms = ms;
            this.seq = seq;
            this.lp = lp;
        }
    }

    private Node[] nodes = new Node[4];
    private int nodeCount;
    private long length;
    private long lastMs;
    private long lastSeq;
    private long firstMs;
    private long firstSeq;
    private long maxDeletedMs;
    private long maxDeletedSeq;
    private long entriesAdded;
    /** Consumer groups by name; null until the first is created (as Redis's cgroups). */
    private TreeMap<byte[], StreamGroup> groups;

    public StreamValue() {
    }

    // ---------------------------------------------------------------- metadata

    public long length() {
        return length;
    }

    public StreamID lastId() {
        return new StreamID(lastMs, lastSeq);
    }

    public long lastMs() {
        return lastMs;
    }

    public long lastSeq() {
        return lastSeq;
    }

    public StreamID firstId() {
        return new StreamID(firstMs, firstSeq);
    }

    public StreamID maxDeletedId() {
        return new StreamID(maxDeletedMs, maxDeletedSeq);
    }

    public long entriesAdded() {
        return entriesAdded;
    }

    /** XSETID: the last ID, and when given the added-entries count and the greatest deleted ID. */
    public void setLastId(StreamID id) {
        lastMs = id.ms;
        lastSeq = id.seq;
    }

    public void setEntriesAdded(long n) {
        entriesAdded = n;
    }

    public void setMaxDeletedId(StreamID id) {
        maxDeletedMs = id.ms;
        maxDeletedSeq = id.seq;
    }

    /**
     * Adds a node read from RDB or RESTORE under its master ID, in ID order wherever it comes (raxTryInsert); false
     * if a node with that ID is there already. The listpack must hold a well-formed node (the loader checks it).
     */
    public boolean addLoadedNode(long masterMs, long masterSeq, Listpack lp) {
        int at = floorNode(masterMs, masterSeq);
        if (at >= 0 && nodes[at].ms == masterMs && nodes[at].seq == masterSeq) {
            return false;
        }
        addNode(new Node(masterMs, masterSeq, lp));
        if (at + 1 != nodeCount - 1) { // not the last in ID order: move it into place
            Node n = nodes[nodeCount - 1];
            System.arraycopy(nodes, at + 1, nodes, at + 2, nodeCount - at - 2);
            nodes[at + 1] = n;
        }
        return true;
    }

    /** The metadata a loader reads after the nodes: length, last, first and greatest deleted IDs, entries added. */
    public void setLoadedMetadata(long length, long lastMs, long lastSeq, long firstMs, long firstSeq,
            long maxDeletedMs, long maxDeletedSeq, long entriesAdded) {
        this.length = length;
        this.lastMs = lastMs;
        this.lastSeq = lastSeq;
        this.firstMs = firstMs;
        this.firstSeq = firstSeq;
        this.maxDeletedMs = maxDeletedMs;
        this.maxDeletedSeq = maxDeletedSeq;
        this.entriesAdded = entriesAdded;
    }

    /** Receives a node's master ID and listpack (what RDB writes: the 16-byte key and the blob). */
    public interface NodeVisitor {
        void visit(long masterMs, long masterSeq, Listpack lp);
    }

    /** Every node in ID order. */
    public void forEachNode(NodeVisitor visitor) {
        for (int i = 0; i < nodeCount; i++) {
            visitor.visit(nodes[i].ms, nodes[i].seq, nodes[i].lp);
        }
    }

    /** Radix tree keys: one per node. */
    public int nodeCount() {
        return nodeCount;
    }

    // ---------------------------------------------------------------- consumer groups

    /** The groups by name (unsigned byte order), or null if none was ever created. */
    public TreeMap<byte[], StreamGroup> groups() {
        return groups;
    }

    public int groupCount() {
        return groups == null ? 0 : groups.size();
    }

    public StreamGroup group(byte[] name) {
        return groups == null ? null : groups.get(name);
    }

    /** streamCreateCG: a new group, or null if the name exists. */
    public StreamGroup createGroup(byte[] name, StreamID lastId, long entriesRead) {
        if (groups == null) {
            groups = new TreeMap<>(Arrays::compareUnsigned);
        }
        if (groups.containsKey(name)) {
            return null;
        }
        StreamGroup g = new StreamGroup(lastId, entriesRead);
        groups.put(name.clone(), g);
        return g;
    }

    public boolean destroyGroup(byte[] name) {
        return groups != null && groups.remove(name) != null;
    }

    // ---------------------------------------------------------------- appending

    /** Why {@link #append} failed. */
    public static final int APPENDED = 0;
    /** EDOM: the ID is not greater than the last one (or the sequence would overflow). */
    public static final int ID_TOO_SMALL = 1;
    /** ERANGE: the fields and values together pass the 1 GiB a node may hold. */
    public static final int TOO_LARGE = 2;

    /** The ID {@link #append} gave the entry. */
    private long addedMs;
    private long addedSeq;

    public long addedMs() {
        return addedMs;
    }

    public long addedSeq() {
        return addedSeq;
    }

    /**
     * streamAppendItem: adds the {@code numFields} field, value pairs at {@code argv[from..]}. With {@code useId}
     * null the ID is the next one after the last from the clock {@code now}; with {@code seqGiven} false only
     * its milliseconds are taken. Returns {@link #APPENDED} (the ID is then {@link #addedMs()}-{@link
     * #addedSeq()}), {@link #ID_TOO_SMALL} or {@link #TOO_LARGE}.
     */
    public int append(byte[][] argv, int from, int numFields, StreamID useId, boolean seqGiven, long now,
            long nodeMaxBytes, long nodeMaxEntries) {
        long ms;
        long seq;
        if (useId != null) {
            if (seqGiven) {
                ms = useId.ms;
                seq = useId.seq;
            } else if (lastMs == useId.ms) {
                if (lastSeq == -1L) {
                    return ID_TOO_SMALL;
                }
                ms = lastMs;
                seq = lastSeq + 1;
            } else {
                ms = useId.ms;
                seq = 0;
            }
        } else if (Long.compareUnsigned(now, lastMs) > 0) { // streamNextID: never backwards
            ms = now;
            seq = 0;
        } else if (lastSeq == -1L) {
            ms = lastMs + 1; // streamIncrID; wraps to 0-0 past the last ID, refused below
            seq = 0;
        } else {
            ms = lastMs;
            seq = lastSeq + 1;
        }
        if (StreamID.compare(ms, seq, lastMs, lastSeq) <= 0) {
            return ID_TOO_SMALL;
        }
        long totalLen = 0;
        for (int i = 0; i < numFields * 2; i++) {
            totalLen += argv[from + i].length;
        }
        if (totalLen > LISTPACK_MAX_SIZE) {
            return TOO_LARGE;
        }

        Node tail = nodeCount == 0 ? null : nodes[nodeCount - 1];
        Listpack lp = tail == null ? null : tail.lp;
        if (lp != null) {
            long maxBytes = nodeMaxBytes;
            if (maxBytes == 0 || maxBytes > LISTPACK_MAX_SIZE) {
                maxBytes = LISTPACK_MAX_SIZE;
            }
            boolean newNode = false;
            if (lp.bytes() + totalLen >= maxBytes) {
                newNode = true;
            } else if (nodeMaxEntries != 0) {
                int p = lp.first();
                long count = lp.integerAt(p) + lp.integerAt(lp.next(p));
                if (count >= nodeMaxEntries) {
                    newNode = true;
                }
            }
            if (newNode) {
                lp.trim(); // lpShrinkToFit: a full node keeps no spare room
                lp = null;
            }
        }

        int flags = 0;
        long masterMs;
        long masterSeq;
        if (lp == null) {
            masterMs = ms;
            masterSeq = seq;
            // room for several entries like this one, so a node grows in few steps (it is trimmed once full)
            lp = new Listpack((int) Math.min(Math.max(NODE_INITIAL_CAPACITY, 16 * (totalLen + 8)), 1024));
            lp.append(1); // one entry, the one being added
            lp.append(0); // none deleted
            lp.append(numFields);
            for (int i = 0; i < numFields; i++) {
                lp.append(argv[from + i * 2]);
            }
            lp.append(0); // the master entry's terminator
            addNode(new Node(ms, seq, lp));
            flags |= FLAG_SAMEFIELDS;
        } else {
            masterMs = tail.ms;
            masterSeq = tail.seq;
            int p = lp.first();
            p = lp.replace(p, lp.integerAt(p) + 1);
            p = lp.next(p); // deleted
            p = lp.next(p); // master fields count
            long masterFields = lp.integerAt(p);
            p = lp.next(p);
            if (numFields == masterFields) {
                int i;
                for (i = 0; i < masterFields; i++) {
                    if (!lp.equalsAt(p, argv[from + i * 2])) {
                        break;
                    }
                    p = lp.next(p);
                }
                if (i == masterFields) {
                    flags |= FLAG_SAMEFIELDS;
                }
            }
        }
        lp.append(flags);
        lp.append(ms - masterMs);
        lp.append(seq - masterSeq);
        boolean same = (flags & FLAG_SAMEFIELDS) != 0;
        if (!same) {
            lp.append(numFields);
        }
        for (int i = 0; i < numFields; i++) {
            if (!same) {
                lp.append(argv[from + i * 2]);
            }
            lp.append(argv[from + i * 2 + 1]);
        }
        long lpCount = numFields + 3;
        if (!same) {
            lpCount += numFields + 1;
        }
        lp.append(lpCount);

        length++;
        entriesAdded++;
        lastMs = ms;
        lastSeq = seq;
        if (length == 1) {
            firstMs = ms;
            firstSeq = seq;
        }
        addedMs = ms;
        addedSeq = seq;
        return APPENDED;
    }

    private void addNode(Node n) {
        if (nodeCount == nodes.length) {
            nodes = Arrays.copyOf(nodes, nodeCount + (nodeCount >> 1) + 1);
        }
        nodes[nodeCount++] = n;
    }

    private void removeNode(int index) {
        System.arraycopy(nodes, index + 1, nodes, index, nodeCount - index - 1);
        nodes[--nodeCount] = null;
    }

    /** Index of the last node whose master ID is at most ms-seq (raxSeek "<="), or -1. */
    private int floorNode(long ms, long seq) {
        int lo = 0;
        int hi = nodeCount - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            Node n = nodes[mid];
            if (StreamID.compare(n.ms, n.seq, ms, seq) <= 0) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }

    // ---------------------------------------------------------------- trimming

    public static final int TRIM_NONE = 0;
    public static final int TRIM_MAXLEN = 1;
    public static final int TRIM_MINID = 2;

    /**
     * streamTrim: removes entries from the head until at most {@code maxLen} remain (MAXLEN) or none is below
     * {@code minId} (MINID). With {@code approx} only whole nodes go; {@code limit} (0: none) caps the entries
     * removed. Returns how many were removed.
     */
    public long trim(int strategy, long maxLen, StreamID minId, boolean approx, long limit) {
        if (strategy == TRIM_NONE) {
            return 0;
        }
        long deleted = 0;
        int i = 0;
        while (i < nodeCount) {
            if (strategy == TRIM_MAXLEN && length <= maxLen) {
                break;
            }
            Node node = nodes[i];
            Listpack lp = node.lp;
            int p = lp.first();
            long entries = lp.integerAt(p);
            if (limit != 0 && deleted + entries > limit) {
                break;
            }
            boolean removeNode;
            if (strategy == TRIM_MAXLEN) {
                removeNode = length - entries >= maxLen;
            } else {
                long[] last = edgeId(node, false);
                removeNode = StreamID.compare(last[0], last[1], minId.ms, minId.seq) < 0;
            }
            if (removeNode) {
                removeNode(i);
                length -= entries;
                deleted += entries;
                continue;
            }
            if (approx) {
                break;
            }
            // trim entries from within the node, flagging them deleted
            long deletedFromLp = 0;
            p = lp.next(p); // deleted count
            p = lp.next(p); // master fields count
            long masterFields = lp.integerAt(p);
            p = lp.next(p);
            for (long j = 0; j < masterFields; j++) {
                p = lp.next(p);
            }
            p = lp.next(p); // skip the master terminator
            while (p >= 0) {
                int flagsPos = p;
                int flags = (int) lp.integerAt(p);
                p = lp.next(p);
                long msDelta = lp.integerAt(p);
                p = lp.next(p);
                long seqDelta = lp.integerAt(p);
                p = lp.next(p);
                boolean stop;
                if (strategy == TRIM_MAXLEN) {
                    stop = length <= maxLen;
                } else {
                    stop = StreamID.compare(node.ms + msDelta, node.seq + seqDelta, minId.ms, minId.seq) >= 0;
                }
                if (stop) {
                    break;
                }
                long toSkip;
                if ((flags & FLAG_SAMEFIELDS) != 0) {
                    toSkip = masterFields;
                } else {
                    toSkip = lp.integerAt(p) * 2;
                    p = lp.next(p);
                }
                while (toSkip-- > 0) {
                    p = lp.next(p);
                }
                p = lp.next(p); // the lp-count
                if ((flags & FLAG_DELETED) == 0) {
                    // the flags stay one byte (values 0..3), so positions after it do not move
                    lp.replace(flagsPos, flags | FLAG_DELETED);
                    deletedFromLp++;
                    length--;
                }
            }
            deleted += deletedFromLp;
            p = lp.first();
            p = lp.replace(p, entries - deletedFromLp);
            p = lp.next(p);
            lp.replace(p, lp.integerAt(p) + deletedFromLp);
            break; // enough was deleted in this node: no need to go to the next one
        }
        if (length == 0) {
            firstMs = 0;
            firstSeq = 0;
        } else if (deleted != 0) {
            long[] first = edge(true, true);
            firstMs = first[0];
            firstSeq = first[1];
        }
        return deleted;
    }

    /**
     * lpGetEdgeStreamID: the ID of a node's first or last entry, deleted or not; {ms, seq}. Nodes always hold an
     * entry (a node whose last live entry goes is removed).
     */
    private static long[] edgeId(Node node, boolean first) {
        Listpack lp = node.lp;
        int p;
        if (first) {
            p = lp.first();
            p = lp.next(p);
            p = lp.next(p);
            long masterFields = lp.integerAt(p);
            p = lp.next(p);
            for (long i = 0; i < masterFields; i++) {
                p = lp.next(p);
            }
            p = lp.next(p);
        } else {
            p = lp.last();
            long lpCount = lp.integerAt(p);
            while (lpCount-- > 0) {
                p = lp.prev(p);
            }
        }
        p = lp.next(p); // from the flags to the ms delta
        long ms = node.ms + lp.integerAt(p);
        p = lp.next(p);
        long seq = node.seq + lp.integerAt(p);
        return new long[] {ms, seq};
    }

    /**
     * streamGetEdgeID: the first or last entry's ID ({ms, seq}), tombstones skipped if asked; when there is none,
     * the maximal ID for the first and 0-0 for the last.
     */
    public long[] edge(boolean first, boolean skipTombstones) {
        Iterator it = new Iterator(this, null, null, !first);
        it.skipTombstones = skipTombstones;
        if (it.next()) {
            return new long[] {it.ms, it.seq};
        }
        return first ? new long[] {-1L, -1L} : new long[] {0, 0};
    }

    /** streamLastValidID: the last live entry's ID, or null when empty. */
    public StreamID lastValidId() {
        Iterator it = new Iterator(this, null, null, true);
        return it.next() ? new StreamID(it.ms, it.seq) : null;
    }

    /** streamEntryExists: a live entry has this ID. */
    public boolean entryExists(StreamID id) {
        Iterator it = new Iterator(this, id, id, false);
        return it.next();
    }

    // ---------------------------------------------------------------- deleting

    /**
     * streamDeleteItem: flags the live entry {@code id} deleted (removing its node when it was the node's last
     * live entry); false if there is no such entry.
     */
    public boolean delete(StreamID id) {
        Iterator it = new Iterator(this, id, id, false);
        if (!it.next()) {
            return false;
        }
        Node node = nodes[it.nodeIndex];
        Listpack lp = node.lp;
        lp.replace(it.flagsPos, it.flags | FLAG_DELETED);
        int p = lp.first();
        long live = lp.integerAt(p);
        if (live == 1) {
            removeNode(it.nodeIndex);
        } else {
            p = lp.replace(p, live - 1);
            p = lp.next(p);
            lp.replace(p, lp.integerAt(p) + 1);
        }
        length--;
        return true;
    }

    /** XDEL's bookkeeping after deleting {@code id}: the greatest deleted ID moves up to it. */
    public void deleted(StreamID id) {
        if (StreamID.compare(id.ms, id.seq, maxDeletedMs, maxDeletedSeq) > 0) {
            maxDeletedMs = id.ms;
            maxDeletedSeq = id.seq;
        }
    }

    /** After XDEL removed entries: resets the first ID when the stream is empty or its first entry went. */
    public void refreshFirstId(boolean firstDeleted) {
        if (length == 0) {
            firstMs = 0;
            firstSeq = 0;
        } else if (firstDeleted) {
            long[] first = edge(true, true);
            firstMs = first[0];
            firstSeq = first[1];
        }
    }

    // ---------------------------------------------------------------- consumer-group counters

    /** streamRangeHasTombstones: a deleted entry may lie between {@code start} (null: 0-0) and the end. */
    public boolean rangeHasTombstones(StreamID start) {
        if (length == 0 || (maxDeletedMs == 0 && maxDeletedSeq == 0)) {
            return false;
        }
        if (StreamID.compare(firstMs, firstSeq, maxDeletedMs, maxDeletedSeq) > 0) {
            return false;
        }
        long sMs = start == null ? 0 : start.ms;
        long sSeq = start == null ? 0 : start.seq;
        return StreamID.compare(sMs, sSeq, maxDeletedMs, maxDeletedSeq) <= 0;
    }

    /**
     * streamEstimateDistanceFromFirstEverEntry: the logical read counter of {@code id}, or
     * {@link StreamGroup#INVALID_ENTRIES_READ} when it cannot be known.
     */
    public long estimateDistanceFromFirstEverEntry(StreamID id) {
        if (entriesAdded == 0) {
            return 0;
        }
        if (length == 0 && StreamID.compare(id.ms, id.seq, lastMs, lastSeq) < 1) {
            return entriesAdded;
        }
        int cmpLast = StreamID.compare(id.ms, id.seq, lastMs, lastSeq);
        if (cmpLast == 0) {
            return entriesAdded;
        } else if (cmpLast > 0) {
            return StreamGroup.INVALID_ENTRIES_READ;
        }
        int cmpIdFirst = StreamID.compare(id.ms, id.seq, firstMs, firstSeq);
        int cmpXdelFirst = StreamID.compare(maxDeletedMs, maxDeletedSeq, firstMs, firstSeq);
        if ((maxDeletedMs == 0 && maxDeletedSeq == 0) || cmpXdelFirst < 0) {
            if (cmpIdFirst < 0) {
                return entriesAdded - length;
            } else if (cmpIdFirst == 0) {
                return entriesAdded - length + 1;
            }
        }
        return StreamGroup.INVALID_ENTRIES_READ;
    }

    /** streamReplyWithCGLag's value: the group's lag, or null when it cannot be known. */
    public Long lag(StreamGroup g) {
        if (entriesAdded == 0) {
            return 0L;
        }
        if (g.entriesRead != StreamGroup.INVALID_ENTRIES_READ && !rangeHasTombstones(g.lastId)) {
            return entriesAdded - g.entriesRead;
        }
        long read = estimateDistanceFromFirstEverEntry(g.lastId);
        return read == StreamGroup.INVALID_ENTRIES_READ ? null : entriesAdded - read;
    }

    // ---------------------------------------------------------------- radix tree figures

    /**
     * The node count of the radix tree Redis keeps for the same node keys (rax's numnodes): rax stores a set of
     * keys in a canonical compressed form, where a tree node stands at the root, at each key, at each prefix with
     * two or more continuations, and at each continuation of such a prefix; runs of single continuations are one
     * compressed node.
     */
    public long radixTreeNodes() {
        if (nodeCount == 0) {
            return 1;
        }
        byte[][] keys = new byte[nodeCount][];
        for (int i = 0; i < nodeCount; i++) {
            keys[i] = key(nodes[i].ms, nodes[i].seq);
        }
        return countRax(keys, 0, nodeCount, 0);
    }

    private static byte[] key(long ms, long seq) {
        byte[] k = new byte[16];
        for (int i = 0; i < 8; i++) {
            k[i] = (byte) (ms >>> (56 - 8 * i));
            k[8 + i] = (byte) (seq >>> (56 - 8 * i));
        }
        return k;
    }

    /** Tree nodes for keys [lo, hi) sharing their first {@code depth} bytes, the node at that prefix included. */
    private static long countRax(byte[][] keys, int lo, int hi, int depth) {
        if (depth == 16) {
            return 1; // a key (all keys are 16 bytes)
        }
        if (hi - lo == 1) {
            return 2; // a compressed node for the rest of the key, then the key's node
        }
        int common = depth;
        while (keys[lo][common] == keys[hi - 1][common]) {
            common++; // keys are sorted: the first and last share what all share
        }
        long count = common > depth ? 2 : 1; // a compressed run to the branching prefix, then the branch
        int start = lo;
        while (start < hi) {
            int end = start + 1;
            while (end < hi && keys[end][common] == keys[start][common]) {
                end++;
            }
            count += countRax(keys, start, end, common + 1);
            start = end;
        }
        return count;
    }

    // ---------------------------------------------------------------- iteration

    /**
     * Redis's streamIterator: entries from {@code start} to {@code end} (inclusive; null for the ends), forwards or
     * in reverse, tombstones skipped unless {@link #skipTombstones} is cleared. After {@link #next()} returns
     * true, {@link #ms}, {@link #seq} and {@link #numFields} describe the entry and {@link #nextField()} walks its
     * fields; the positions are in {@link #listpack()}. The stream must not change while iterating.
     */
    public static final class Iterator {
        private final StreamValue s;
        private final long startMs;
        private final long startSeq;
        private final long endMs;
        private final long endSeq;
        private final boolean rev;
        public boolean skipTombstones = true;
        private int nextNode;
        int nodeIndex = -1;
        private Listpack lp;
        private int ele = -1;
        private long masterMs;
        private long masterSeq;
        private int masterFieldsCount;
        private int masterFieldsStart;
        private int masterFieldsPtr;
        int flags;
        int flagsPos;
        private int fieldsLeft;
        /** The current entry. */
        public long ms;
        public long seq;
        public int numFields;
        /** Positions in {@link #listpack()} of the field and value {@link #nextField()} stepped to. */
        public int fieldPos;
        public int valuePos;

        public Iterator(StreamValue s, StreamID start, StreamID end, boolean rev) {
            this.s = s;
            this.startMs = start == null ? 0 : start.ms;
            this.startSeq = start == null ? 0 : start.seq;
            this.endMs = end == null ? -1L : end.ms;
            this.endSeq = end == null ? -1L : end.seq;
            this.rev = rev;
            if (!rev) {
                int n = start != null && !start.isZero() ? s.floorNode(start.ms, start.seq) : 0;
                nextNode = Math.max(n, 0);
            } else {
                int n = end != null && !end.isZero() ? s.floorNode(end.ms, end.seq) : -1;
                nextNode = n < 0 ? s.nodeCount - 1 : n;
            }
        }

        public Listpack listpack() {
            return lp;
        }

        /** streamIteratorGetID: steps to the next entry in range; false when there is none. */
        public boolean next() {
            while (fieldsLeft > 0) {
                nextField(); // the caller skipped fields: walk past them so the cursor is where Redis's is
            }
            while (true) {
                if (lp == null || ele < 0) {
                    if (!rev) {
                        if (nextNode >= s.nodeCount) {
                            return false;
                        }
                        nodeIndex = nextNode++;
                    } else {
                        if (nextNode < 0 || nextNode >= s.nodeCount) {
                            return false;
                        }
                        nodeIndex = nextNode--;
                    }
                    Node node = s.nodes[nodeIndex];
                    masterMs = node.ms;
                    masterSeq = node.seq;
                    lp = node.lp;
                    ele = lp.first();
                    ele = lp.next(ele);
                    ele = lp.next(ele);
                    masterFieldsCount = (int) lp.integerAt(ele);
                    ele = lp.next(ele);
                    masterFieldsStart = ele;
                    if (!rev) {
                        for (int i = 0; i < masterFieldsCount; i++) {
                            ele = lp.next(ele);
                        }
                    } else {
                        ele = lp.last();
                    }
                } else if (rev) {
                    long lpCount = lp.integerAt(ele);
                    while (lpCount-- > 0) {
                        ele = lp.prev(ele);
                    }
                    ele = lp.prev(ele);
                }
                while (true) {
                    if (!rev) {
                        ele = lp.next(ele);
                        if (ele < 0) {
                            break;
                        }
                    } else {
                        long lpCount = lp.integerAt(ele);
                        if (lpCount == 0) {
                            lp = null;
                            ele = -1;
                            break;
                        }
                        while (lpCount-- > 0) {
                            ele = lp.prev(ele);
                        }
                    }
                    flagsPos = ele;
                    int f = (int) lp.integerAt(ele);
                    ele = lp.next(ele);
                    long idMs = masterMs + lp.integerAt(ele);
                    ele = lp.next(ele);
                    long idSeq = masterSeq + lp.integerAt(ele);
                    ele = lp.next(ele);
                    int fields;
                    if ((f & FLAG_SAMEFIELDS) != 0) {
                        fields = masterFieldsCount;
                    } else {
                        fields = (int) lp.integerAt(ele);
                        ele = lp.next(ele);
                    }
                    boolean live = !skipTombstones || (f & FLAG_DELETED) == 0;
                    if (!rev) {
                        if (StreamID.compare(idMs, idSeq, startMs, startSeq) >= 0 && live) {
                            if (StreamID.compare(idMs, idSeq, endMs, endSeq) > 0) {
                                return false;
                            }
                            return emit(f, idMs, idSeq, fields);
                        }
                    } else {
                        if (StreamID.compare(idMs, idSeq, endMs, endSeq) <= 0 && live) {
                            if (StreamID.compare(idMs, idSeq, startMs, startSeq) < 0) {
                                return false;
                            }
                            return emit(f, idMs, idSeq, fields);
                        }
                    }
                    if (!rev) {
                        int discard = (f & FLAG_SAMEFIELDS) != 0 ? fields : fields * 2;
                        for (int i = 0; i < discard; i++) {
                            ele = lp.next(ele);
                        }
                    } else {
                        int prevTimes = (f & FLAG_SAMEFIELDS) != 0 ? 4 : 5;
                        while (prevTimes-- > 0) {
                            ele = lp.prev(ele);
                        }
                    }
                }
            }
        }

        private boolean emit(int f, long idMs, long idSeq, int fields) {
            flags = f;
            ms = idMs;
            seq = idSeq;
            numFields = fields;
            fieldsLeft = fields;
            if ((f & FLAG_SAMEFIELDS) != 0) {
                masterFieldsPtr = masterFieldsStart;
            }
            return true;
        }

        /** streamIteratorGetField: steps to the entry's next field and value ({@link #fieldPos}, {@link #valuePos}). */
        public void nextField() {
            if ((flags & FLAG_SAMEFIELDS) != 0) {
                fieldPos = masterFieldsPtr;
                masterFieldsPtr = lp.next(masterFieldsPtr);
            } else {
                fieldPos = ele;
                ele = lp.next(ele);
            }
            valuePos = ele;
            ele = lp.next(ele);
            fieldsLeft--;
        }
    }

    // ---------------------------------------------------------------- Value

    @Override
    public String typeName() {
        return "stream";
    }

    @Override
    public String encoding() {
        return "stream";
    }

    /** streamDup: the nodes' bytes, the metadata, and every group with its PEL and consumers. */
    @Override
    public StreamValue copy() {
        StreamValue c = new StreamValue();
        c.nodes = new Node[Math.max(4, nodeCount)];
        for (int i = 0; i < nodeCount; i++) {
            Node n = nodes[i];
            c.nodes[i] = new Node(n.ms, n.seq, n.lp.copy());
        }
        c.nodeCount = nodeCount;
        c.length = length;
        c.lastMs = lastMs;
        c.lastSeq = lastSeq;
        c.firstMs = firstMs;
        c.firstSeq = firstSeq;
        c.maxDeletedMs = maxDeletedMs;
        c.maxDeletedSeq = maxDeletedSeq;
        c.entriesAdded = entriesAdded;
        if (groups != null) {
            c.groups = new TreeMap<>(Arrays::compareUnsigned);
            for (Map.Entry<byte[], StreamGroup> e : groups.entrySet()) {
                c.groups.put(e.getKey(), e.getValue().copy());
            }
        }
        return c;
    }

    /**
     * The object and its fields, the node array, per node its holder and listpack with spare room, per group its
     * maps, and per pending entry its map entries, ID and NACK (twice mapped: group and consumer).
     */
    @Override
    public long memoryUsage(int samples) {
        long bytes = 80 + 16 + 4L * nodes.length;
        for (int i = 0; i < nodeCount; i++) {
            bytes += 24 + 24 + Types.arrayBytes(nodes[i].lp.array().length);
        }
        if (groups != null) {
            bytes += 48;
            for (Map.Entry<byte[], StreamGroup> e : groups.entrySet()) {
                StreamGroup g = e.getValue();
                bytes += 40 + Types.arrayBytes(e.getKey().length) + 32 + 48 * 2;
                bytes += g.pel.memoryUsage() + 40L * g.pel.size(); // the map, and a NACK per entry
                for (StreamConsumer c : g.consumers.values()) {
                    bytes += 40 + 32 + Types.arrayBytes(c.name.length) + c.pel.memoryUsage();
                }
            }
        }
        return bytes;
    }

    /** xorObjectDigest for OBJ_STREAM: every live entry's "ms.seq", then its fields and values, mixed in order. */
    @Override
    public void digest(Digest digest) {
        digest.mix(OBJ_STREAM);
        Iterator it = new Iterator(this, null, null, false);
        while (it.next()) {
            digest.mix((Long.toUnsignedString(it.ms) + "." + Long.toUnsignedString(it.seq))
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            Listpack lp = it.listpack();
            for (int i = 0; i < it.numFields; i++) {
                it.nextField();
                digest.mix(lp.bytesAt(it.fieldPos));
                digest.mix(lp.bytesAt(it.valuePos));
            }
        }
    }
}
