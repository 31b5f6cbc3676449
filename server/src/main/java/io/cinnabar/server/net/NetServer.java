package io.cinnabar.server.net;

import io.cinnabar.protocol.RequestDecoder;
import io.cinnabar.protocol.reply.ReplyWriter;
import io.cinnabar.server.command.Dispatcher;
import io.cinnabar.server.exec.Client;
import io.cinnabar.server.exec.Engine;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
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

    private static void warmUp() {
        try {
            Epoll.isAvailable();
            ByteBufAllocator.DEFAULT.ioBuffer(256).release();
            ClassLoader loader = NetServer.class.getClassLoader();
            for (Class<?> type : new Class<?>[] {ServerBootstrap.class, MultiThreadIoEventLoopGroup.class,
                    EpollIoHandler.class, EpollServerSocketChannel.class, EpollSocketChannel.class,
                    DefaultChannelGroup.class, ClientHandler.class, ReplyWriter.class, RequestDecoder.class,
                    Dispatcher.class, Client.class}) {
                Class.forName(type.getName(), true, loader);
            }
        } catch (Throwable ignored) {
            // only a head start: whatever failed here fails again, and is reported, where it is used
        }
    }

    /** Waits for the warm-up thread, so that none is left running once a server has started. */
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
     * framework's set-up (see {@link NettyLog}).
     */
    public static void configureNetty() {
        NettyLog.install();
        setIfAbsent("io.netty.jfr.enabled", "false");
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
     * separated, as Redis's bind) on {@code port} (0 picks a free port), without accepting yet. It needs no
     * engine, so {@code CinnabarServer.start} runs it on a helper thread while it builds the engine: in a fresh
     * JVM this is the larger half of the cold start, and on two cores the two overlap.
     *
     * @throws java.io.UncheckedIOException naming the address and port when binding fails
     */
    public void open(String bind, int port) {
        try {
            awaitWarmUp();
            epoll = Epoll.isAvailable();
            IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
            DefaultThreadFactory names = new DefaultThreadFactory("cinnabar-executor", false);
            group = new MultiThreadIoEventLoopGroup(1, runnable -> {
                Thread t = names.newThread(runnable);
                threads.add(t);
                return t;
            }, io);
            connections = new DefaultChannelGroup("cinnabar-connections", group.next());
            bind(bind, port);
        } catch (RuntimeException e) {
            stop();
            throw e;
        }
    }

    private void bind(String bind, int port) {
        Class<? extends ServerChannel> channelType = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(channelType)
                .option(ChannelOption.SO_BACKLOG, 511)
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(ChannelOption.AUTO_READ, false) // no accept until start() has the engine
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        connections.add(ch);
                        ch.config().setKeepAlive(engine.config().tcpKeepalive() > 0);
                        ch.pipeline().addLast(new ClientHandler(engine));
                    }
                });
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
    }
}
