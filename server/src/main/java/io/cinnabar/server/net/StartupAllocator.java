package io.cinnabar.server.net;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;

/**
 * The allocator of every Cinnabar channel: plain unpooled buffers until the pooling allocator has been built,
 * then the pool. Building Netty's adaptive pool takes about 40 ms in a fresh JVM, a fifth of a cold start, so the
 * warm-up thread builds it after the server is up instead of before. A buffer always returns to the allocator that
 * made it, so the switch is safe at any moment. Thread-safe.
 */
final class StartupAllocator implements ByteBufAllocator {
    static final StartupAllocator INSTANCE = new StartupAllocator();

    private volatile ByteBufAllocator target = UnpooledByteBufAllocator.DEFAULT;

    private StartupAllocator() {
    }

    /** From now on buffers come from {@code pool}. */
    void usePool(ByteBufAllocator pool) {
        target = pool;
    }

    boolean pooling() {
        return target != UnpooledByteBufAllocator.DEFAULT;
    }

    @Override
    public ByteBuf buffer() {
        return target.buffer();
    }

    @Override
    public ByteBuf buffer(int initialCapacity) {
        return target.buffer(initialCapacity);
    }

    @Override
    public ByteBuf buffer(int initialCapacity, int maxCapacity) {
        return target.buffer(initialCapacity, maxCapacity);
    }

    @Override
    public ByteBuf ioBuffer() {
        return target.ioBuffer();
    }

    @Override
    public ByteBuf ioBuffer(int initialCapacity) {
        return target.ioBuffer(initialCapacity);
    }

    @Override
    public ByteBuf ioBuffer(int initialCapacity, int maxCapacity) {
        return target.ioBuffer(initialCapacity, maxCapacity);
    }

    @Override
    public ByteBuf heapBuffer() {
        return target.heapBuffer();
    }

    @Override
    public ByteBuf heapBuffer(int initialCapacity) {
        return target.heapBuffer(initialCapacity);
    }

    @Override
    public ByteBuf heapBuffer(int initialCapacity, int maxCapacity) {
        return target.heapBuffer(initialCapacity, maxCapacity);
    }

    @Override
    public ByteBuf directBuffer() {
        return target.directBuffer();
    }

    @Override
    public ByteBuf directBuffer(int initialCapacity) {
        return target.directBuffer(initialCapacity);
    }

    @Override
    public ByteBuf directBuffer(int initialCapacity, int maxCapacity) {
        return target.directBuffer(initialCapacity, maxCapacity);
    }

    @Override
    public CompositeByteBuf compositeBuffer() {
        return target.compositeBuffer();
    }

    @Override
    public CompositeByteBuf compositeBuffer(int maxNumComponents) {
        return target.compositeBuffer(maxNumComponents);
    }

    @Override
    public CompositeByteBuf compositeHeapBuffer() {
        return target.compositeHeapBuffer();
    }

    @Override
    public CompositeByteBuf compositeHeapBuffer(int maxNumComponents) {
        return target.compositeHeapBuffer(maxNumComponents);
    }

    @Override
    public CompositeByteBuf compositeDirectBuffer() {
        return target.compositeDirectBuffer();
    }

    @Override
    public CompositeByteBuf compositeDirectBuffer(int maxNumComponents) {
        return target.compositeDirectBuffer(maxNumComponents);
    }

    @Override
    public boolean isDirectBufferPooled() {
        return target.isDirectBufferPooled();
    }

    @Override
    public int calculateNewCapacity(int minNewCapacity, int maxCapacity) {
        return target.calculateNewCapacity(minNewCapacity, maxCapacity);
    }
}
