package io.cinnabar.server.net;

import io.cinnabar.server.exec.Config;
import io.cinnabar.server.exec.Engine;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.AdaptiveByteBufAllocator;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The listening side. One event loop thread accepts, reads, executes and writes, as Redis's main thread does:
 * measured faster than handing requests to a separate executor thread (see docs/design.md). The engine's state
 * is confined to that thread.
 */
public final class NetServer {
    /** Set by start(), before the listeners accept; read by the event loop when a connection arrives. */
    private volatile Engine engine;
    private EventLoopGroup group;
    private boolean epoll;
    private final List<Channel> listeners = new ArrayList<>();
    private ChannelGroup connections;
    /** The event loop's threads, joined on stop: its termination future completes just before they exit. */
    private final List<Thread> threads = new java.util.concurrent.CopyOnWriteArrayList<>();
    private int boundPort;

    private static Thread warmUp;

    /**
     * Starts loading Netty and the classes that serve a connection on a helper thread, once per JVM, so that in a
     * fresh JVM the class loading overlaps with building the configuration and the engine (CinnabarServer calls
     * this from {@code builder()}). Without it a first start spends most of its time loading classes on one thread.
     */
    public static synchronized void warmUpInBackground() {
        if (warmUp != null) {
            return;
        }
        configureNetty();
        warmUp = new Thread(NetServer::warmUp, "cinnabar-warm-up");
        warmUp.setDaemon(true);
        warmUp.start();
    }

    /**
     * What the event loop and the listener load, in the order they need it: the warm-up thread initialises
     * these after Netty's platform probes and allocator. Names as strings because several are package-private;
     * in the published jar the shade plugin relocates them with Netty. NetServerWarmUpTest checks they all exist.
     */
    static final String[] EVENT_LOOP_CLASSES = {
        "io.netty.util.concurrent.DefaultThreadFactory",
        "io.netty.util.concurrent.GlobalEventExecutor",
        "io.netty.util.concurrent.ScheduledFutureTask",
        "io.netty.util.internal.DefaultPriorityQueue",
        "io.netty.util.internal.shaded.org.jctools.queues.MpscUnboundedArrayQueue",
        "io.netty.channel.MultiThreadIoEventLoopGroup",
        "io.netty.channel.SingleThreadIoEventLoop",
        "io.netty.channel.epoll.EpollIoHandler",
        "io.netty.channel.epoll.EpollEventArray",
        "io.netty.util.collection.IntObjectHashMap",
        "io.netty.channel.group.DefaultChannelGroup",
        "io.netty.bootstrap.ServerBootstrap",
        "io.netty.bootstrap.ChannelInitializerExtensions",
        "io.netty.channel.ReflectiveChannelFactory",
        "io.netty.channel.epoll.EpollChannelOption",
        "io.netty.channel.epoll.EpollServerSocketChannel",
        "io.netty.channel.ServerChannelRecvByteBufAllocator",
        "io.netty.channel.DefaultMessageSizeEstimator",
        "io.netty.channel.WriteBufferWaterMark",
        "io.netty.channel.unix.Limits",
    };

    /**
     * What accepting and serving the first connection loads: {@code CinnabarServer.start} initialises these on its
     * own thread once the engine is built, while the event loop is still being made.
     */
    static final String[] CONNECTION_CLASSES = {
        "io.netty.channel.DefaultChannelPipeline",
        "io.netty.channel.DefaultChannelHandlerContext",
        "io.netty.channel.ChannelOutboundBuffer",
        "io.netty.channel.DefaultChannelPromise",
        "io.netty.channel.VoidChannelPromise",
        "io.netty.channel.ChannelHandlerMask",
        "io.netty.channel.DefaultChannelId",
        "io.netty.channel.epoll.EpollSocketChannel",
        "io.netty.channel.AdaptiveRecvByteBufAllocator",
        "io.netty.channel.epoll.EpollRecvByteAllocatorStreamingHandle",
        "io.netty.channel.unix.PreferredDirectByteBufAllocator",
        "io.netty.channel.unix.NativeInetAddress",
        "io.netty.channel.unix.UnixChannelUtil",
        "io.netty.util.ReferenceCountUtil",
        "io.netty.util.internal.PromiseNotificationUtil",
        "io.netty.util.internal.shaded.org.jctools.queues.MpscChunkedArrayQueue",
        "io.cinnabar.server.net.ClientHandler",
        "io.cinnabar.protocol.RequestDecoder",
        "io.cinnabar.protocol.InlineSplitter",
        "io.cinnabar.protocol.reply.ReplyWriter",
        "io.cinnabar.protocol.reply.Replies",
        "io.cinnabar.server.command.ConnectionCommands",
        "io.cinnabar.server.exec.LatencyHistogram",
    };

    private static void warmUp() {
        try {
            Epoll.isAvailable();
        } catch (Throwable ignored) {
            // only a head start: whatever failed here fails again, and is reported, where it is used
        }
        initialize(EVENT_LOOP_CLASSES);
        // The pool is built once the first server is serving (its first tick), not while it starts: on two cores
        // a cold start is CPU-bound, so the 40 ms it takes would slow the start it is meant to serve.
        try {
            POOL_NOW.await(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        StartupAllocator.INSTANCE.usePool(new AdaptiveByteBufAllocator()); // Netty 4.2's default allocator
    }

    /** Counted down by the first tick of a server, or when one stops: time to build the buffer pool. */
    private static final java.util.concurrent.CountDownLatch POOL_NOW = new java.util.concurrent.CountDownLatch(1);

    /** Loads and initialises the named classes, skipping any that cannot be (epoll off Linux, say). */
    public static void initialize(String[] classNames) {
        ClassLoader loader = NetServer.class.getClassLoader();
        for (String name : classNames) {
            try {
                Class.forName(name, true, loader);
            } catch (Throwable ignored) {
                // only a head start, as above
            }
        }
    }

    /** Initialises what serving the first connection needs (see {@link #CONNECTION_CLASSES}). */
    public static void warmUpConnectionPath() {
        initialize(CONNECTION_CLASSES);
    }

    /** Waits for the warm-up thread to end, so that none is left running once a server has stopped. */
    static void awaitWarmUp() {
        Thread t;
        synchronized (NetServer.class) {
            t = warmUp;
        }
        if (t != null) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Settings for Cinnabar's own copy of Netty, made before any Netty class loads. In the published jar these
     * names are relocated with Netty (io.cinnabar.shaded.io.netty...), so they never touch a project's Netty; a
     * value the user set is kept. They spare a cold start work nobody needs: JFR events for buffers, the
     * process-id and MAC-address lookups behind channel ids (which only need to be unique), and a logging
     * framework's set-up (see {@link NettyLog}). Leak detection is off unless asked for (the build's tests run it
     * on paranoid): its default samples one buffer in 128 into a wrapper class, and a third buffer class at every
     * buffer call site of the decoder and reply writer costs the JIT its inlining there (3% of the CPU per request
     * under redis-benchmark -P 16).
     */
    public static void configureNetty() {
        NettyLog.install();
        setIfAbsent("io.netty.jfr.enabled", "false");
        setIfAbsent("io.netty.leakDetection.level", "disabled");
        // ByteBufAllocator.DEFAULT, which Cinnabar's channels do not use (see StartupAllocator), made cheaply
        setIfAbsent("io.netty.allocator.type", "unpooled");
        java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
        setIfAbsent("io.netty.processId", Integer.toString(random.nextInt(Integer.MAX_VALUE)));
        String hex = Long.toHexString(random.nextLong() | Long.MIN_VALUE); // 16 digits
        StringBuilder machineId = new StringBuilder(23);
        for (int i = 0; i < 16; i += 2) {
            machineId.append(i == 0 ? "" : ":").append(hex, i, i + 2);
        }
        setIfAbsent("io.netty.machineId", machineId.toString());
    }

    private static void setIfAbsent(String name, String value) {
        if (System.getProperty(name) == null) {
            System.setProperty(name, value);
        }
    }

    /**
     * Creates the event loop (epoll where it loads, NIO otherwise) and binds every address of {@code bind} (space
     * separated, as Redis's bind) on {@code port} (0 picks a free port) with {@code tcp-backlog}, without
     * accepting yet. It needs no
     * engine, so {@code CinnabarServer.start} runs it on a helper thread while it builds the engine: in a fresh
     * JVM this is the larger half of the cold start, and on two cores the two overlap.
     *
     * @throws java.io.UncheckedIOException naming the address and port when binding fails
     */
    public void open(Config config) {
        try {
            // no waiting for the warm-up thread: where both need a class, the JVM has one initialise it
            epoll = Epoll.isAvailable();
            IoHandlerFactory io = epoll ? EpollIoHandler.newFactory(0, SpinBeforeSleep::new) : NioIoHandler.newFactory();
            group = ExecutorLoop.group("cinnabar-executor", threads, io);
            connections = new DefaultChannelGroup("cinnabar-connections", group.next());
            bind(config.bind(), config.port(), config.tcpBacklog());
        } catch (RuntimeException e) {
            stop();
            throw e;
        }
    }

    private void bind(String bind, int port, int backlog) {
        Class<? extends ServerChannel> channelType = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(channelType)
                .option(ChannelOption.SO_BACKLOG, backlog)
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(ChannelOption.AUTO_READ, false) // no accept until start() has the engine
                .option(ChannelOption.ALLOCATOR, StartupAllocator.INSTANCE)
                .childOption(ChannelOption.ALLOCATOR, StartupAllocator.INSTANCE)
                .childOption(ChannelOption.TCP_NODELAY, true)
                // a read that fills its buffer is followed by another (one that finds nothing, for a pipeline whose
                // size the adaptive guess matched): at least 1 KiB, starting at Redis's 16 KiB (PROTO_IOBUF_LEN),
                // so a pipeline of small commands is one read as in Redis. With the default 64-byte floor, 12% of
                // the reads of 16 pipelined PINGs (224 bytes) came back empty.
                .childOption(ChannelOption.RCVBUF_ALLOCATOR, new AdaptiveRecvByteBufAllocator(1024, 16384, 65536))
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK,
                        new WriteBufferWaterMark(ClientHandler.LOW_WATER_MARK, ClientHandler.HIGH_WATER_MARK))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        connections.add(ch);
                        ch.config().setKeepAlive(engine.config().tcpKeepalive() > 0);
                        ch.pipeline().addLast(new ClientHandler(engine));
                    }
                });
        if (epoll) {
            // Unsent bytes in the kernel's socket queue, beyond what the peer's window takes, are sent later from
            // the peer's side as it reads (on loopback in the reading process's own time), in small pieces: with
            // megabytes queued per socket a redis-benchmark of 100 kB GETs at P16 got 0.7x Redis's rate while our
            // thread idled. Capping them (the sent, unacknowledged bytes still grow with the connection) keeps the
            // rest in the channel's outbound queue, where back-pressure and the output buffer limits see it;
            // measured 1.2-1.35x Redis's rate with 64 KiB, Redis's own NET_MAX_WRITES_PER_EVENT.
            bootstrap.childOption(EpollChannelOption.TCP_NOTSENT_LOWAT, (long) ClientHandler.NOT_SENT_LOW_WATER_MARK);
        }
        int actualPort = port;
        for (String address : bind.trim().split("\\s+")) {
            String host = address.startsWith("-") ? address.substring(1) : address; // "-::1": optional
            if (host.equals("*")) {
                host = "0.0.0.0";
            }
            try {
                Channel ch = bootstrap.bind(new InetSocketAddress(host, actualPort)).sync().channel();
                listeners.add(ch);
                actualPort = ((InetSocketAddress) ch.localAddress()).getPort();
            } catch (Exception e) {
                if (address.startsWith("-")) {
                    continue; // Redis: a "-" address is optional, skipped if it cannot be bound
                }
                throw new java.io.UncheckedIOException(new BindException("Could not create server TCP listening "
                        + "socket " + host + ":" + port + ": " + e.getMessage()));
            }
        }
        boundPort = actualPort;
    }

    /** Serves {@code engine} on the event loop and listeners that {@link #open} made: accepting starts now. */
    public void start(Engine engine) {
        this.engine = engine;
        engine.executor(group.next());
        engine.listeningPort(boundPort);
        for (Channel listener : listeners) {
            listener.config().setAutoRead(true);
        }
        scheduleCron();
    }

    private void scheduleCron() {
        group.next().schedule(() -> {
            if (group.isShuttingDown()) {
                return;
            }
            POOL_NOW.countDown();
            try {
                engine.cron();
            } finally {
                scheduleCron();
            }
        }, 1000 / engine.config().hz(), TimeUnit.MILLISECONDS);
    }

    public int port() {
        return boundPort;
    }

    /** Closes listeners and connections and waits for the executor thread to end. */
    public void stop() {
        for (Channel ch : listeners) {
            ch.close().syncUninterruptibly();
        }
        listeners.clear();
        if (connections != null) {
            connections.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
        if (group != null) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
            group = null;
        }
        for (Thread t : threads) {
            if (t == Thread.currentThread()) {
                continue;
            }
            try {
                t.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        threads.clear();
        POOL_NOW.countDown();
        awaitWarmUp(); // the pool may still be being built after the first start
    }
}
