package io.cinnabar.server.net;

import io.cinnabar.server.exec.Engine;
import io.netty.bootstrap.ServerBootstrap;
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
    private final Engine engine;
    private EventLoopGroup group;
    private final List<Channel> listeners = new ArrayList<>();
    private ChannelGroup connections;
    /** The event loop's threads, joined on stop: its termination future completes just before they exit. */
    private final List<Thread> threads = new java.util.concurrent.CopyOnWriteArrayList<>();
    private int boundPort;

    public NetServer(Engine engine) {
        this.engine = engine;
    }

    /**
     * Binds every address of {@code bind} (space separated, as Redis's bind) on {@code port} (0 picks a free port).
     *
     * @throws java.io.UncheckedIOException naming the address and port when binding fails
     */
    public void start(String bind, int port) {
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        DefaultThreadFactory names = new DefaultThreadFactory("cinnabar-executor", false);
        group = new MultiThreadIoEventLoopGroup(1, runnable -> {
            Thread t = names.newThread(runnable);
            threads.add(t);
            return t;
        }, io);
        Class<? extends ServerChannel> channelType = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        engine.executor(group.next());
        connections = new DefaultChannelGroup("cinnabar-connections", group.next());
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(channelType)
                .option(ChannelOption.SO_BACKLOG, engine.config().tcpBacklog())
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, engine.config().tcpKeepalive() > 0)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        connections.add(ch);
                        ch.pipeline().addLast(new ClientHandler(engine));
                    }
                });
        try {
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
        } catch (RuntimeException e) {
            stop();
            throw e;
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
