package io.cinnabar.server;

import io.cinnabar.server.exec.Config;
import io.cinnabar.server.exec.Engine;
import io.cinnabar.server.exec.Log;
import io.cinnabar.server.exec.ServerClock;
import io.cinnabar.server.net.NetServer;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * An embedded Redis 7.0 compatible server.
 *
 * <pre>{@code
 * try (CinnabarServer server = CinnabarServer.builder().port(0).build().start()) {
 *     // connect any Redis client to 127.0.0.1:server.port()
 *     server.clock().advance(Duration.ofMinutes(5)); // keys expire as if five minutes passed
 * }
 * }</pre>
 *
 * Start and close leave no threads or listening ports behind. Thread-safe.
 */
public final class CinnabarServer implements AutoCloseable {
    private final Config config;
    private final boolean quiet;
    /** Load dir/dbfilename at start: the launcher always does, as redis-server; embedded when asked for a file. */
    private final boolean loadAtStart;
    /** The final save was made (SHUTDOWN, a signal): close() must not make another. */
    private volatile boolean finalSaveDone;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private Engine engine;
    private NetServer net;
    private VirtualClock clock;
    private volatile boolean running;

    CinnabarServer(Config config, boolean quiet, boolean loadAtStart) {
        this.config = config;
        this.quiet = quiet;
        this.loadAtStart = loadAtStart;
    }

    public static Builder builder() {
        NetServer.warmUpInBackground(); // a fresh JVM loads Netty while the caller configures (cold start time)
        return new Builder();
    }

    /**
     * Binds and starts serving.
     *
     * @throws IllegalStateException naming the address and port if it cannot listen (for example, a busy port)
     */
    public synchronized CinnabarServer start() {
        if (running) {
            return this;
        }
        Log log = new Log(config, quiet);
        NetServer.warmUpInBackground();
        net = new NetServer();
        RuntimeException[] openFailure = new RuntimeException[1];
        Thread opening = new Thread(() -> {
            try {
                net.open(config);
            } catch (RuntimeException e) {
                openFailure[0] = e;
            }
        }, "cinnabar-start");
        opening.start(); // Netty starts and binds while the engine is built (cold start time)
        Engine built = null;
        try {
            built = new Engine(config, new ServerClock(), log);
            NetServer.warmUpConnectionPath(); // meanwhile the event loop is still being made
        } finally {
            joinUninterruptibly(opening);
            if (built == null && openFailure[0] == null) {
                net.stop();
            }
        }
        if (openFailure[0] != null) {
            RuntimeException e = openFailure[0];
            throw new IllegalStateException("Cinnabar could not listen on " + config.bind() + " port "
                    + config.port() + ": " + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()), e);
        }
        boolean fromAof;
        try {
            // appendonly yes: the AOF's data (and no RDB, as Redis's loadDataFromDisk), then its incr file opened
            fromAof = built.aof().loadAtStartup();
        } catch (IllegalStateException e) {
            built.close();
            net.stop();
            throw new IllegalStateException("Cinnabar could not load its data: " + e.getMessage(), e);
        }
        if (loadAtStart && !fromAof) {
            try {
                // before the listeners accept: no client can see a half-loaded dataset, so nothing answers LOADING
                built.rdb().loadAtStartup();
            } catch (io.cinnabar.server.persist.RdbPersistence.LoadError e) {
                log.warning("Fatal error loading the DB: " + e.getMessage() + ". Exiting.");
                built.close();
                net.stop();
                throw new IllegalStateException(e.getMessage(), e);
            }
        }
        engine = built;
        engine.onShutdownRequest(() -> {
            finalSaveDone = true; // SHUTDOWN made its save, or was told not to
            Thread t = new Thread(this::close, "cinnabar-shutdown");
            t.start();
        });
        net.start(engine);
        config.listeningOn(net.port()); // CONFIG GET port shows the port picked for port 0
        clock = new VirtualClock(engine);
        running = true;
        log.notice("Ready to accept connections tcp on " + config.bind() + ":" + net.port());
        return this;
    }

    /** The port it listens on (the one picked when built with port 0). */
    public int port() {
        requireRunning();
        return net.port();
    }

    /** The first bind address. */
    public String host() {
        String first = config.bind().trim().split("\\s+")[0];
        return first.startsWith("-") ? first.substring(1) : first;
    }

    /** {@code redis://host:port}, with the password when one is set. */
    public URI uri() {
        String auth = config.requiresPassword() ? ":" + config.requirepass() + "@" : "";
        return URI.create("redis://" + auth + host() + ":" + port());
    }

    /** The server's clock; {@code clock().advance(Duration)} moves time for expiry. */
    public VirtualClock clock() {
        requireRunning();
        return clock;
    }

    /** Empties every database (FLUSHALL), as the JUnit extension does between tests. */
    public void flushAll() {
        requireRunning();
        engine.call(() -> {
            engine.keyspace().flushAll();
            return null;
        });
    }

    /**
     * Subscribes in-process to {@code channels}, as SUBSCRIBE does, with no client library: {@code listener} gets
     * every message published on them (including keyspace notifications on {@code __keyspace@0__:...} channels when
     * {@code notify-keyspace-events} enables them). Close the returned subscription to unsubscribe.
     */
    public Subscription subscribe(MessageListener listener, String... channels) {
        return subscribeGeneric(listener, io.cinnabar.server.pubsub.PubSub.Kind.CHANNEL, channels);
    }

    /** As {@link #subscribe}, for glob-style patterns (PSUBSCRIBE). */
    public Subscription psubscribe(MessageListener listener, String... patterns) {
        return subscribeGeneric(listener, io.cinnabar.server.pubsub.PubSub.Kind.PATTERN, patterns);
    }

    private Subscription subscribeGeneric(MessageListener listener, io.cinnabar.server.pubsub.PubSub.Kind kind,
                                          String... names) {
        requireRunning();
        java.util.Objects.requireNonNull(listener, "listener");
        io.cinnabar.server.exec.Client subscriber = engine.call(() -> {
            io.cinnabar.server.exec.Client c = engine.inProcessClient();
            c.subscriptions = new io.cinnabar.server.pubsub.Subscriptions(
                    (channel, message) -> listener.onMessage(
                            new String(channel, java.nio.charset.StandardCharsets.UTF_8), message.clone()));
            for (String name : names) {
                engine.pubSub().subscribeQuietly(c, kind, name.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
            return c;
        });
        return () -> {
            if (running) {
                engine.call(() -> {
                    engine.pubSub().clientClosed(subscriber);
                    return null;
                });
            }
        };
    }

    /**
     * Saves every database now to {@code dir}/{@code dbfilename} (SAVE): the file is written to a temporary file
     * and renamed over the old one, so a failure leaves the old file as it was.
     *
     * @throws IllegalStateException with the reason if the file could not be written
     */
    public void save() {
        requireRunning();
        String error = engine.call(() -> engine.rdb().bgsaveInProgress()
                ? "Background save already in progress" : engine.rdb().saveTo(engine.rdb().file(), true));
        if (error != null) {
            throw new IllegalStateException("Cinnabar could not save: " + error);
        }
    }

    /**
     * Saves every database now to {@code file}, an RDB file Redis 7.0 loads (written to a temporary file beside it,
     * then renamed). As SAVE, the count of changes since the last save restarts.
     *
     * @throws IllegalStateException with the reason if the file could not be written
     */
    public void save(java.nio.file.Path file) {
        requireRunning();
        java.nio.file.Path target = file.toAbsolutePath();
        String error = engine.call(() -> engine.rdb().bgsaveInProgress()
                ? "Background save already in progress" : engine.rdb().saveTo(target, true));
        if (error != null) {
            throw new IllegalStateException("Cinnabar could not save " + target + ": " + error);
        }
    }

    /**
     * What a SIGTERM or SIGINT does ({@code shutdown-on-sigterm} / {@code shutdown-on-sigint} name the flags): the
     * final save when save points are set (or the flags say SAVE), then close. Returns false, and keeps serving, when
     * that save failed without FORCE, as Redis does.
     */
    public boolean shutdownOnSignal(String flagsParameter) {
        if (!running) {
            return true;
        }
        java.util.List<String> flags = java.util.List.of(config.find(flagsParameter).get().split(" "));
        boolean ok = engine.call(() -> {
            engine.log().warning("User requested shutdown...");
            return engine.rdb().finishShutdown(flags.contains("save"), flags.contains("nosave"),
                    flags.contains("force"));
        });
        if (ok) {
            finalSaveDone = true;
            close();
        }
        return ok;
    }

    /** The engine, for tests in this package. */
    Engine engine() {
        return engine;
    }

    public boolean isRunning() {
        return running;
    }

    /** Blocks until the server stops (SHUTDOWN or {@link #close()}). */
    public void awaitStop() throws InterruptedException {
        stopped.await();
    }

    /**
     * Stops serving, closes every connection and ends the executor thread. With save points set ({@code save}), the
     * databases are saved first, as SHUTDOWN does (a failed save is logged, and the server closes anyway).
     */
    @Override
    public synchronized void close() {
        if (!running) {
            return;
        }
        if (!finalSaveDone && !engine.scriptBusy()) { // a timed-out script owns the data: SHUTDOWN NOSAVE's case
            try {
                engine.call(() -> engine.rdb().finishShutdown(false, false, true));
            } catch (RuntimeException e) {
                engine.log().warning("Error saving on close: " + e);
            }
        }
        running = false;
        // whatever fails while closing, the listeners stop and awaitStop returns: a launcher stopped half-way (its
        // data released, its port still open, the JVM kept alive by the event loop) was seen once after a SIGTERM
        try {
            engine.close();
        } catch (RuntimeException e) {
            engine.log().warning("Error closing the server: " + e);
        } finally {
            try {
                net.stop();
            } finally {
                stopped.countDown();
            }
        }
    }

    private static void joinUninterruptibly(Thread thread) {
        boolean interrupted = false;
        while (true) {
            try {
                thread.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void requireRunning() {
        if (!running) {
            throw new IllegalStateException("the server is not running");
        }
    }

    /** Configures a server; every option has Redis's name and default, but the port picks a free one when 0. */
    public static final class Builder {
        private final Map<String, String> settings = new LinkedHashMap<>();
        private boolean quiet = true;

        Builder() {
            settings.put("port", "0");
        }

        /** The port; 0 (the default here) picks a free one, read it back with {@link CinnabarServer#port()}. */
        public Builder port(int port) {
            return config("port", Integer.toString(port));
        }

        /** Addresses to listen on, space separated (Redis's {@code bind}); default 127.0.0.1. */
        public Builder bind(String addresses) {
            return config("bind", addresses);
        }

        /** The default user's password ({@code requirepass}). */
        public Builder password(String password) {
            return config("requirepass", password);
        }

        public Builder databases(int count) {
            return config("databases", Integer.toString(count));
        }

        /**
         * Where RDB files go ({@code dir}): the server loads {@code dir}/{@code dbfilename} (default dump.rdb) at
         * start if it exists, and SAVE, BGSAVE and the save points write it there.
         */
        public Builder dataDirectory(java.nio.file.Path dir) {
            return config("dir", dir.toAbsolutePath().toString());
        }

        /**
         * Starts from this RDB file if it exists (a dump Redis 7.0 or older wrote, or one saved here), and saves
         * to it: sets {@code dir} to its directory and {@code dbfilename} to its name.
         */
        public Builder rdbFile(java.nio.file.Path file) {
            java.nio.file.Path f = file.toAbsolutePath();
            config("dir", f.getParent().toString());
            return config("dbfilename", f.getFileName().toString());
        }

        /** Any supported config parameter, as in redis.conf. */
        public Builder config(String name, String value) {
            settings.put(name, value);
            return this;
        }

        /** Log to stdout as the launcher does (embedded servers are quiet unless a logfile is set). */
        public Builder logToStdout() {
            quiet = false;
            return this;
        }

        /**
         * @throws IllegalArgumentException with Redis's reason if a parameter is unknown or its value invalid
         */
        public CinnabarServer build() {
            Config config = new Config();
            for (Map.Entry<String, String> e : settings.entrySet()) {
                try {
                    config.set(e.getKey(), e.getValue());
                } catch (Config.InvalidValue ex) {
                    throw new IllegalArgumentException("'" + e.getKey() + " " + e.getValue() + "': " + ex.getMessage());
                }
            }
            // an embedded server reads a dump file only when told where its files are (a stray dump.rdb in the
            // working directory would otherwise load into every test server)
            boolean load = settings.containsKey("dir") || settings.containsKey("dbfilename");
            return new CinnabarServer(config, quiet, load);
        }
    }

    static CinnabarServer of(Config config, boolean quiet) {
        return new CinnabarServer(config, quiet, true);
    }
}
