package io.cinnabar.server.net;

import io.netty.channel.IoEventLoop;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.IoHandlerContext;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SingleThreadIoEventLoop;
import io.netty.util.concurrent.FastThreadLocalThread;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The executor: the one event loop that does the server's I/O and runs every command, Lua scripts included. Two
 * things set it apart from Netty's own loop, both for scripts, which run right here as in Redis (a hand-off to a
 * script thread per call cost more than the script): its thread has a stack deep enough for Lua's 20,000 nested
 * calls (luaj runs Lua calls on the Java stack), and a script that passes busy-reply-threshold can serve the
 * sockets from its instruction hook ({@link #serveIoNow}), as Redis's processEventsWhileBlocked does, so the other
 * clients get BUSY and SCRIPT KILL reaches it.
 */
public final class ExecutorLoop extends SingleThreadIoEventLoop implements io.cinnabar.server.exec.IoLoop {
    /** Room for luaj's deepest recursion; only the pages a script touches are ever committed. */
    static final long STACK_BYTES = 512L * 1024 * 1024;

    /** Epoll's (or NIO's) dispatch of ready sockets is on the stack: it is not reentrant. */
    private boolean inIo;
    private final IoHandlerContext dontWait = new IoHandlerContext() {
        @Override
        public boolean canBlock() {
            return false;
        }

        @Override
        public long delayNanos(long currentTimeNanos) {
            return 0;
        }

        @Override
        public long deadlineNanos() {
            return -1;
        }
    };

    private ExecutorLoop(IoEventLoopGroup parent, Executor executor, IoHandlerFactory io) {
        super(parent, executor, io);
    }

    /** A group of one executor loop whose thread is named {@code name} and collected in {@code threads}. */
    static MultiThreadIoEventLoopGroup group(String name, List<Thread> threads, IoHandlerFactory io) {
        AtomicInteger count = new AtomicInteger();
        ThreadFactory factory = runnable -> {
            Thread t = new FastThreadLocalThread(null, runnable, name + "-" + count.incrementAndGet(), STACK_BYTES);
            threads.add(t);
            return t;
        };
        return new MultiThreadIoEventLoopGroup(1, factory, io) {
            @Override
            protected IoEventLoop newChild(Executor executor, IoHandlerFactory factory, Object... args) {
                return new ExecutorLoop(this, executor, factory);
            }
        };
    }

    @Override
    protected int runIo() {
        inIo = true;
        try {
            return super.runIo();
        } finally {
            inIo = false;
        }
    }

    @Override
    public boolean inIo() {
        return inIo;
    }

    /** Reads, dispatches what arrived, accepts and writes, for the sockets that are ready, from outside them. */
    @Override
    public void serveIoNow() {
        if (inIo) {
            throw new IllegalStateException("socket dispatch is not reentrant");
        }
        inIo = true;
        try {
            ioHandler().run(dontWait);
        } finally {
            inIo = false;
        }
    }
}
