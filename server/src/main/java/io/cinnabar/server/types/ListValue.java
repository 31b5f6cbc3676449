package io.cinnabar.server.types;

import java.util.ArrayList;

/**
 * A list, encoded as Redis 7.0 encodes every list: a quicklist, a sequence of {@link Listpack} nodes each filled up
 * to {@code list-max-listpack-size} (a positive count of entries, or -1..-5 for 4, 8, 16, 32 or 64 KB), as
 * quicklist.c's _quicklistNodeAllowInsert decides.
 *
 * <p>With {@code list-compress-depth} N above 0 (taken when the list is created, as Redis's quicklistSetOptions),
 * the nodes more than N nodes away from either end are kept LZF-compressed ({@link CompressedNode}), as quicklist.c's
 * __quicklistCompress keeps them: a node is compressed when it passes the depth boundary or is changed while past
 * it, and expanded when it comes back within the depth of an end. The end nodes are never compressed, so pushes and
 * pops touch only plain listpacks; with depth 0 (the default) no node is ever compressed and no compression work is
 * done at all. Unlike Redis, reading a compressed node (LINDEX, LRANGE, LPOS) expands a temporary copy and leaves
 * the node compressed, so a read never recompresses. Compression rules from Redis 7.0's quicklist.c (BSD-3-Clause,
 * Copyright (c) 2014 Matt Stancliff); see NOTICE.
 *
 * <p>Not thread-safe: executor thread only.
 */
public final class ListValue implements Value {
    private static final int OBJ_LIST = 1;
    /** quicklist.c's optimization_level: node sizes in bytes for fill -1 .. -5. */
    private static final int[] FILL_BYTES = {4096, 8192, 16384, 32768, 65536};
    /** SIZE_SAFETY_LIMIT: a count-limited node still stops growing at 8 KB. */
    private static final int SIZE_SAFETY_LIMIT = 8192;
    /** quicklist.c's COMPRESS_MAX: the depth is a 16-bit field. */
    private static final int COMPRESS_MAX = (1 << 16) - 1;

    /**
     * The nodes, head first: each a {@link Listpack}, or a {@link CompressedNode} when it lies more than {@link
     * #compress} nodes from both ends. The first and last nodes are always listpacks.
     */
    private final ArrayList<Object> nodes = new ArrayList<>();
    private long size;
    private final int fill;
    /** list-compress-depth: nodes kept uncompressed at each end; 0 compresses nothing. */
    private final int compress;

    /** An empty, uncompressed list whose nodes follow {@code fill} (list-max-listpack-size). */
    public ListValue(long fill) {
        this(fill, 0);
    }

    /** An empty list with {@code fill} (list-max-listpack-size) and {@code compressDepth} (list-compress-depth). */
    public ListValue(long fill, long compressDepth) {
        this.fill = (int) Math.max(-5, Math.min(fill, Short.MAX_VALUE));
        this.compress = (int) Math.max(0, Math.min(compressDepth, COMPRESS_MAX));
    }

    public long size() {
        return size;
    }

    public int fill() {
        return fill;
    }

    /** The list-compress-depth this list was created with (DEBUG OBJECT's ql_compressed says whether it is 0). */
    public int compressDepth() {
        return compress;
    }

    public int nodeCount() {
        return nodes.size();
    }

    /** How many nodes are compressed now. */
    int compressedNodes() {
        int n = 0;
        for (Object node : nodes) {
            if (node instanceof CompressedNode) {
                n++;
            }
        }
        return n;
    }

    /** Bytes left unused at the end of node {@code n}'s array (0 for a compressed node). */
    int spareRoom(int n) {
        return nodes.get(n) instanceof Listpack lp ? lp.array().length - lp.bytes() : 0;
    }

    /** Whether node {@code n} is compressed now. */
    boolean compressedAt(int n) {
        return nodes.get(n) instanceof CompressedNode;
    }

    private static int count(Object node) {
        return node instanceof Listpack lp ? lp.size() : ((CompressedNode) node).count;
    }

    /** Node {@code n} to read: a compressed node is expanded into a temporary listpack and stays compressed. */
    private Listpack view(int n) {
        Object node = nodes.get(n);
        return node instanceof Listpack lp ? lp : ((CompressedNode) node).decompress();
    }

    /** Node {@code n} to change: a compressed node is expanded in place (quicklistDecompressNodeForUse). */
    private Listpack open(int n) {
        Object node = nodes.get(n);
        if (node instanceof Listpack lp) {
            return lp;
        }
        Listpack lp = ((CompressedNode) node).decompress();
        nodes.set(n, lp);
        return lp;
    }

    /** quicklistCompressNode: compresses node {@code n} if it is not already and compression pays. */
    private void compressNode(int n) {
        if (nodes.get(n) instanceof Listpack lp) {
            CompressedNode compressed = CompressedNode.of(lp);
            if (compressed != null) {
                nodes.set(n, compressed);
            }
        }
    }

    /** quicklistDecompressNode. */
    private void decompressNode(int n) {
        if (nodes.get(n) instanceof CompressedNode compressed) {
            nodes.set(n, compressed.decompress());
        }
    }

    /**
     * __quicklistCompress, run after a node was added, removed or changed (only when compressing): the nodes within
     * the depth of either end are expanded, the first node past the depth at each end is compressed, and so is node
     * {@code touched} (-1 for none) when it lies past the depth. Below twice the depth in nodes nothing is done, as
     * in Redis: no node can be compressed there, since the single removal that brought the list down to exactly
     * twice the depth expanded them all ({@link #settleAfterRemovals} covers removing several at once).
     */
    private void settle(int touched) {
        int len = nodes.size();
        int depth = compress;
        if (len < 2 * depth) {
            return;
        }
        for (int i = 0; i < depth; i++) {
            decompressNode(i);
            decompressNode(len - 1 - i);
        }
        if (len == 2 * depth) {
            return; // every node is within the depth of an end
        }
        if (touched >= depth && touched < len - depth) {
            compressNode(touched);
        }
        compressNode(depth);
        compressNode(len - 1 - depth);
    }

    /** {@link #settle} after LREM or LTRIM removed any number of nodes at once. */
    private void settleAfterRemovals() {
        int len = nodes.size();
        if (len < 2 * compress) {
            for (int n = 0; n < len; n++) {
                decompressNode(n);
            }
        } else {
            settle(-1);
        }
    }

    /**
     * _quicklistNodeAllowInsert: whether a node of {@code bytes} bytes and {@code count} entries may take one more
     * element of {@code length} bytes.
     */
    private boolean allows(int bytes, int count, int length) {
        int grown = bytes + length + 8; // SIZE_ESTIMATE_OVERHEAD: Redis 7.0's guess of the entry's header and backlen
        if (fill >= 0) {
            return count < Math.max(fill, 1) && grown <= SIZE_SAFETY_LIMIT;
        }
        return grown <= FILL_BYTES[-fill - 1];
    }

    public void pushHead(byte[] element) {
        if (!nodes.isEmpty()) {
            Listpack head = (Listpack) nodes.get(0); // the ends are never compressed
            if (allows(head.bytes(), head.size(), element.length)) {
                head.prepend(element);
                size++;
                return;
            }
            head.trim(); // full: its growth room would stay unused (see pushTail)
        }
        Listpack node = new Listpack();
        node.prepend(element);
        nodes.add(0, node);
        size++;
        if (compress != 0) {
            settle(1); // __quicklistInsertNode: quicklistCompress(old head)
        }
    }

    public void pushTail(byte[] element) {
        int last = nodes.size() - 1;
        if (last >= 0) {
            Listpack tail = (Listpack) nodes.get(last);
            if (allows(tail.bytes(), tail.size(), element.length)) {
                tail.append(element);
                size++;
                return;
            }
            // The full node keeps no spare room: its array grew a size class at a time and would otherwise carry up
            // to a fifth of its size unused for as long as it lives (Redis reallocates a listpack to the byte).
            tail.trim();
        }
        Listpack node = new Listpack();
        node.append(element);
        nodes.add(node);
        size++;
        if (compress != 0) {
            settle(last);
        }
    }

    /** Removes and returns the first (or last) element; null when empty. */
    public byte[] pop(boolean head) {
        if (size == 0) {
            return null;
        }
        int n = head ? 0 : nodes.size() - 1;
        Listpack node = (Listpack) nodes.get(n);
        int pos = head ? node.first() : node.last();
        byte[] element = node.bytesAt(pos);
        node.delete(pos);
        size--;
        if (node.isEmpty()) {
            nodes.remove(n);
            if (compress != 0) {
                settle(-1); // __quicklistDelNode: the next node may come within the depth
            }
        }
        return element;
    }

    /** The element at {@code index} (negative from the end), or null when out of range. */
    public byte[] get(long index) {
        long i = index < 0 ? size + index : index;
        if (i < 0 || i >= size) {
            return null;
        }
        long at = locate(i);
        Listpack node = view((int) (at >>> 32));
        return node.bytesAt(node.seek((int) at));
    }

    /**
     * Where element {@code i} (in range) is, walking the nodes from the nearer end: the node's index in the high 32
     * bits, the element's index within the node in the low 32.
     */
    private long locate(long i) {
        if (i < size / 2) {
            long first = 0;
            for (int n = 0;; n++) {
                long next = first + count(nodes.get(n));
                if (i < next) {
                    return (long) n << 32 | (i - first);
                }
                first = next;
            }
        }
        long first = size;
        for (int n = nodes.size() - 1;; n--) {
            first -= count(nodes.get(n));
            if (i >= first) {
                return (long) n << 32 | (i - first);
            }
        }
    }

    /** Replaces the element at {@code index}; false when out of range. */
    public boolean set(long index, byte[] element) {
        long i = index < 0 ? size + index : index;
        if (i < 0 || i >= size) {
            return false;
        }
        long at = locate(i);
        int n = (int) (at >>> 32);
        Listpack node = open(n);
        node.replace(node.seek((int) at), element);
        if (compress != 0) {
            settle(n); // quicklistReplaceEntry: quicklistCompress(node)
        }
        return true;
    }

    /** Receives elements in order; return false to stop. */
    public interface ElementVisitor {
        boolean visit(byte[] element);
    }

    /** Visits elements {@code from} to {@code to} (inclusive, already clamped to the list) in order. */
    public void range(long from, long to, ElementVisitor visitor) {
        forEachIn(from, to, (node, pos) -> visitor.visit(node.bytesAt(pos)));
    }

    /** Writes the elements {@code from..to} (valid indexes) as bulk strings, straight from the nodes (LRANGE). */
    public void writeRange(long from, long to, io.cinnabar.protocol.reply.ReplyWriter out) {
        forEachIn(from, to, (node, pos) -> {
            node.writeBulkAt(pos, out);
            return true;
        });
    }

    private interface EntryVisitor {
        boolean visit(Listpack node, int pos);
    }

    /** Visits the entries of elements {@code from..to} in their nodes; the visitor returns false to stop. */
    private void forEachIn(long from, long to, EntryVisitor visitor) {
        long first = 0; // index of the node's first element
        for (int n = 0; n < nodes.size(); n++) {
            long next = first + count(nodes.get(n));
            if (next > from) {
                Listpack node = view(n);
                long i = Math.max(from, first);
                for (int pos = node.seek(i - first); pos >= 0 && i <= to; pos = node.next(pos), i++) {
                    if (!visitor.visit(node, pos)) {
                        return;
                    }
                }
                if (i > to) {
                    return;
                }
            }
            first = next;
        }
    }

    /** Visits elements from the last to the first; return false to stop. */
    public void reverse(ElementVisitor visitor) {
        for (int n = nodes.size() - 1; n >= 0; n--) {
            Listpack node = view(n);
            for (int pos = node.last(); pos >= 0; pos = node.prev(pos)) {
                if (!visitor.visit(node.bytesAt(pos))) {
                    return;
                }
            }
        }
    }

    /** LINSERT: puts {@code element} before or after the first {@code pivot}; false when there is no pivot. */
    public boolean insert(byte[] pivot, byte[] element, boolean after) {
        for (int n = 0; n < nodes.size(); n++) {
            Listpack node = view(n);
            for (int pos = node.first(); pos >= 0; pos = node.next(pos)) {
                if (node.equalsAt(pos, pivot)) {
                    boolean wasCompressed = compressedAt(n);
                    nodes.set(n, node); // quicklistDecompressNodeForUse
                    insertAt(n, node, pos, element, after, wasCompressed);
                    size++;
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * quicklist.c's _quicklistInsert: into the node if it has room; else at the head of the next node or the tail of
     * the previous one when the pivot is at that edge and the neighbour has room; else a new node of its own when
     * the pivot is at an edge; else the node is split at the pivot and the neighbours merged where they fit.
     */
    private void insertAt(int n, Listpack node, int pos, byte[] element, boolean after, boolean wasCompressed) {
        int length = element.length;
        boolean full = !allows(node.bytes(), node.size(), length);
        boolean atTail = after && node.next(pos) < 0;
        boolean atHead = !after && pos == node.first();
        boolean hasNext = n + 1 < nodes.size();
        boolean hasPrev = n > 0;
        boolean availNext = atTail && hasNext && allows(nodes.get(n + 1), length);
        boolean availPrev = atHead && hasPrev && allows(nodes.get(n - 1), length);
        if (!full) {
            if (after) {
                node.insertAfter(pos, element);
            } else {
                node.insertBefore(pos, element);
            }
            recompressOnly(n, wasCompressed);
        } else if (atTail && availNext) { // after the node's last entry: the next node's head
            boolean nextCompressed = compressedAt(n + 1);
            open(n + 1).prepend(element);
            recompressOnly(n + 1, nextCompressed);
            recompressOnly(n, wasCompressed);
        } else if (atHead && availPrev) { // before the node's first entry: the previous node's tail
            boolean prevCompressed = compressedAt(n - 1);
            open(n - 1).append(element);
            recompressOnly(n - 1, prevCompressed);
            recompressOnly(n, wasCompressed);
        } else if ((atTail && hasNext) || (atHead && hasPrev)) { // both full at that edge: a node of its own
            Listpack fresh = new Listpack();
            fresh.prepend(element);
            nodes.add(after ? n + 1 : n, fresh);
            if (compress != 0) {
                settle(after ? n : n + 1); // __quicklistInsertNode: quicklistCompress(node)
            }
        } else {
            // _quicklistSplitNode: after, the node keeps the entries up to the pivot and the new node takes the rest
            // with the element first; before, the node keeps the pivot onwards and the new node takes what came
            // before it, with the element last
            int offset = 0;
            for (int p = node.first(); p != pos; p = node.next(p)) {
                offset++;
            }
            Listpack split = node.copy();
            if (after) {
                node.deleteRange(offset + 1, node.size());
                split.deleteRange(0, offset + 1);
                split.prepend(element);
            } else {
                node.deleteRange(0, offset);
                split.deleteRange(offset, split.size());
                split.append(element);
            }
            int center = after ? n : n + 1;
            nodes.add(after ? n + 1 : n, split);
            if (compress != 0) {
                if (wasCompressed) {
                    compressNode(center); // quicklistCompress of a node decompressed for use: recompress only
                } else {
                    settle(center);
                }
            }
            mergeAround(center);
        }
    }

    /** quicklistRecompressOnly: compresses node {@code n} again if it was compressed before the change. */
    private void recompressOnly(int n, boolean wasCompressed) {
        if (wasCompressed) {
            compressNode(n);
        }
    }

    /** _quicklistNodeAllowInsert on a node that may be compressed. */
    private boolean allows(Object node, int length) {
        return node instanceof Listpack lp ? allows(lp.bytes(), lp.size(), length)
                : allows(((CompressedNode) node).rawBytes, ((CompressedNode) node).count, length);
    }

    /** _quicklistNodeAllowMerge: whether nodes {@code a} and {@code b} fit in one. */
    private boolean allowsMerge(int a, int b) {
        if (a < 0 || b < 0 || a >= nodes.size() || b >= nodes.size()) {
            return false;
        }
        Object x = nodes.get(a);
        Object y = nodes.get(b);
        int mergedBytes = rawBytes(x) + rawBytes(y) - 11; // Redis 7.0 takes 11 off for one header and end marker
        if (fill < 0) {
            return mergedBytes <= FILL_BYTES[-fill - 1];
        }
        return mergedBytes <= SIZE_SAFETY_LIMIT && count(x) + count(y) <= fill;
    }

    private static int rawBytes(Object node) {
        return node instanceof Listpack lp ? lp.bytes() : ((CompressedNode) node).rawBytes;
    }

    /**
     * _quicklistMergeNodes around node {@code center}: the two before it, the two after it, then the center with
     * the one before, then the result with the one after, each when they fit in one node.
     */
    private void mergeAround(int center) {
        if (allowsMerge(center - 2, center - 1)) {
            merge(center - 2);
            center--;
        }
        if (allowsMerge(center + 1, center + 2)) {
            merge(center + 1);
        }
        int target = center;
        if (allowsMerge(center - 1, center)) {
            merge(center - 1);
            target = center - 1;
        }
        if (allowsMerge(target, target + 1)) {
            merge(target);
        }
    }

    /** _quicklistListpackMerge: node {@code a + 1}'s entries appended to node {@code a}, which stays. */
    private void merge(int a) {
        Listpack into = open(a);
        Listpack from = view(a + 1);
        for (int pos = from.first(); pos >= 0; pos = from.next(pos)) {
            into.append(from.bytesAt(pos));
        }
        nodes.remove(a + 1);
        if (compress != 0) {
            settle(-1); // __quicklistDelNode
            settle(a); // quicklistCompress(keep)
        }
    }

    /** LREM: removes up to {@code count} elements equal to {@code element} (from the tail if negative, all if 0). */
    public long remove(byte[] element, long count) {
        long removed = 0;
        long limit = count == 0 ? Long.MAX_VALUE : Math.abs(count);
        if (count >= 0) {
            for (int n = 0; n < nodes.size() && removed < limit; n++) {
                Listpack node = view(n);
                long before = removed;
                int pos = node.first();
                while (pos >= 0 && removed < limit) {
                    if (node.equalsAt(pos, element)) {
                        pos = node.delete(pos);
                        removed++;
                    } else {
                        pos = node.next(pos);
                    }
                }
                if (removed != before) {
                    changed(n, node);
                }
            }
        } else {
            for (int n = nodes.size() - 1; n >= 0 && removed < limit; n--) {
                Listpack node = view(n);
                long before = removed;
                int pos = node.last();
                while (pos >= 0 && removed < limit) {
                    int prev = node.prev(pos);
                    if (node.equalsAt(pos, element)) {
                        node.delete(pos);
                        removed++; // positions before a deletion stay valid
                    }
                    pos = prev;
                }
                if (removed != before) {
                    changed(n, node);
                }
            }
        }
        if (removed > 0) {
            boolean emptied = nodes.removeIf(node -> node instanceof Listpack lp && lp.isEmpty());
            if (emptied && compress != 0) {
                settleAfterRemovals();
            }
        }
        size -= removed;
        return removed;
    }

    /**
     * Stores {@code node}, the changed listpack of node {@code n}; one expanded from compression is compressed again
     * unless it became empty (quicklistRecompressOnly).
     */
    private void changed(int n, Listpack node) {
        if (nodes.get(n) != node) {
            nodes.set(n, node);
            if (!node.isEmpty()) {
                compressNode(n);
            }
        }
    }

    /** LTRIM: keeps elements {@code from} to {@code to} (inclusive, clamped; an empty range empties the list). */
    public void trim(long from, long to) {
        long keepStart = Math.max(0, from);
        long keepEnd = Math.min(size - 1, to);
        if (keepStart > keepEnd) {
            nodes.clear();
            size = 0;
            return;
        }
        // quicklistDelRange from each end: whole nodes dropped unread, then part of the new end node
        long dropHead = keepStart;
        int whole = 0;
        while (count(nodes.get(whole)) <= dropHead) {
            dropHead -= count(nodes.get(whole));
            whole++;
        }
        nodes.subList(0, whole).clear();
        if (dropHead > 0) {
            open(0).deleteRange(0, dropHead);
        }
        long dropTail = size - 1 - keepEnd;
        int keep = nodes.size();
        while (count(nodes.get(keep - 1)) <= dropTail) {
            dropTail -= count(nodes.get(keep - 1));
            keep--;
        }
        nodes.subList(keep, nodes.size()).clear();
        if (dropTail > 0) {
            Listpack last = open(keep - 1);
            last.deleteRange(last.size() - dropTail, dropTail);
        }
        size = keepEnd - keepStart + 1;
        if (compress != 0) {
            settleAfterRemovals();
        }
    }

    @Override
    public String typeName() {
        return "list";
    }

    @Override
    public String encoding() {
        return "quicklist";
    }

    /** quicklistDup: the same fill and depth; compressed nodes stay compressed (and, being immutable, shared). */
    @Override
    public ListValue copy() {
        ListValue copy = new ListValue(fill, compress);
        for (Object node : nodes) {
            copy.nodes.add(node instanceof Listpack lp ? lp.copy() : node);
        }
        copy.size = size;
        return copy;
    }

    /** The node arrays and the quicklist's own structures (a 32-byte node header each, as Redis's). */
    @Override
    public long memoryUsage(int samples) {
        long total = 40;
        for (Object node : nodes) {
            total += 32 + (node instanceof Listpack lp ? 24 + Types.arrayBytes(lp.array().length)
                    : ((CompressedNode) node).memoryUsage());
        }
        return total;
    }

    /** xorObjectDigest for OBJ_LIST: every element mixed in order. */
    @Override
    public void digest(Digest digest) {
        digest.mix(OBJ_LIST);
        range(0, size - 1, element -> {
            digest.mix(element);
            return true;
        });
    }

    /**
     * quicklistAppendListpack: adds {@code lp} (a non-empty listpack read from RDB or RESTORE, kept as it is
     * whatever its size) as the new last node, then compresses as __quicklistInsertNode does.
     */
    public void appendNode(Listpack lp) {
        int last = nodes.size() - 1;
        nodes.add(lp);
        size += lp.size();
        if (compress != 0) {
            settle(last);
        }
    }

    /** Receives each node as RDB would write it. */
    public interface NodeVisitor {
        /**
         * {@code data} holds {@code length} bytes: the listpack itself, or, when {@code compressed}, its LZF form
         * (what Redis writes with rdbSaveLzfBlob); {@code rawBytes} is the listpack's size either way.
         */
        void visit(byte[] data, int length, boolean compressed, int rawBytes);
    }

    /** Visits the nodes head first, compressed ones as their LZF blob (the array must not be changed). */
    public void forEachNode(NodeVisitor visitor) {
        for (Object node : nodes) {
            if (node instanceof Listpack lp) {
                visitor.visit(lp.array(), lp.bytes(), false, lp.bytes());
            } else {
                CompressedNode c = (CompressedNode) node;
                visitor.visit(c.lzf, c.lzf.length, true, c.rawBytes);
            }
        }
    }

    /** Visits node {@code n} (0 is the head) as {@link #forEachNode} would: a snapshot writes a long list by node. */
    public void visitNode(int n, NodeVisitor visitor) {
        Object node = nodes.get(n);
        if (node instanceof Listpack lp) {
            visitor.visit(lp.array(), lp.bytes(), false, lp.bytes());
        } else {
            CompressedNode c = (CompressedNode) node;
            visitor.visit(c.lzf, c.lzf.length, true, c.rawBytes);
        }
    }

    /** The nodes' listpack sizes added up (DEBUG OBJECT's ql_uncompressed_size). */
    public long uncompressedBytes() {
        long total = 0;
        for (Object node : nodes) {
            total += node instanceof Listpack lp ? lp.bytes() : ((CompressedNode) node).rawBytes;
        }
        return total;
    }

    /** Each node's exact listpack bytes (compressed ones expanded). */
    public java.util.List<byte[]> nodeBytes() {
        java.util.List<byte[]> out = new ArrayList<>(nodes.size());
        for (int n = 0; n < nodes.size(); n++) {
            out.add(view(n).toBytes());
        }
        return out;
    }
}
