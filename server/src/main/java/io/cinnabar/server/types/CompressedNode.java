package io.cinnabar.server.types;

import io.cinnabar.server.persist.Lzf;
import java.util.Arrays;

/**
 * An interior quicklist node kept LZF-compressed (Redis's quicklistLZF plus the node's sz and count): the listpack's
 * exact bytes compressed with Redis's liblzf, so the blob is what Redis's RDB would write for the node. Immutable:
 * decompressing gives a new {@link Listpack} and leaves this one as it is, so copies of a list share it, and a read
 * needs no recompression afterwards.
 *
 * <p>When a node is worth compressing follows quicklist.c's __quicklistCompressNode (Redis 7.0, BSD-3-Clause,
 * Copyright (c) 2014 Matt Stancliff; see NOTICE): not under {@link #MIN_COMPRESS_BYTES}, and only when the
 * compressed form is at least {@link #MIN_COMPRESS_IMPROVE} bytes smaller. Not thread-safe (the compressor's state
 * is per thread).
 */
final class CompressedNode {
    /** quicklist.c's MIN_COMPRESS_BYTES: smaller nodes are not worth compressing. */
    static final int MIN_COMPRESS_BYTES = 48;
    /** quicklist.c's MIN_COMPRESS_IMPROVE: keep the compressed form only if it saves more than this. */
    static final int MIN_COMPRESS_IMPROVE = 8;
    /** Scratch output buffers up to this size are kept between calls; bigger nodes get a buffer of their own. */
    private static final int SCRATCH_KEPT = 1 << 16;

    /** The compressor (its 256 KB hash table) and an output buffer, one per executor thread. */
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private static final class Scratch {
        final Lzf.Compressor lzf = new Lzf.Compressor();
        byte[] out = new byte[8192];
    }

    final byte[] lzf;
    /** The listpack's size in bytes (node->sz). */
    final int rawBytes;
    /** Its number of entries (node->count). */
    final int count;

    private CompressedNode(byte[] lzf, int rawBytes, int count) {
        this.lzf = lzf;
        this.rawBytes = rawBytes;
        this.count = count;
    }

    /** The compressed form of {@code node}, or null when Redis would leave it uncompressed (too small, no gain). */
    static CompressedNode of(Listpack node) {
        int sz = node.bytes();
        if (sz < MIN_COMPRESS_BYTES) {
            return null;
        }
        Scratch scratch = SCRATCH.get();
        byte[] out = scratch.out;
        if (out.length < sz) {
            out = new byte[sz];
            if (sz <= SCRATCH_KEPT) {
                scratch.out = out;
            }
        }
        // lzf_compress(node->entry, node->sz, lzf->compressed, node->sz), as Redis
        int n = scratch.lzf.compress(node.array(), sz, out, sz);
        if (n == 0 || n + MIN_COMPRESS_IMPROVE >= sz) {
            return null;
        }
        return new CompressedNode(Arrays.copyOf(out, n), sz, node.size());
    }

    /** __quicklistDecompressNode: a fresh listpack with the node's bytes. */
    Listpack decompress() {
        byte[] raw = new byte[rawBytes];
        if (Lzf.decompress(lzf, lzf.length, raw, rawBytes) != rawBytes) {
            throw new IllegalStateException("quicklist node does not decompress to its " + rawBytes + " bytes");
        }
        return Listpack.trusted(raw, count);
    }

    /** Heap bytes: this object and its array. */
    long memoryUsage() {
        return 24 + Types.arrayBytes(lzf.length);
    }
}
