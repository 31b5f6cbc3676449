package io.cinnabar.server;

import io.cinnabar.server.exec.Config;

/**
 * The launcher: {@code java -jar cinnabar-server.jar [config-file] [--name value ...]}, parsed as redis-server
 * parses its arguments. Invalid options end it with Redis's fatal message and exit status 1.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 1 && (args[0].equals("-v") || args[0].equals("--version"))) {
            System.out.println("Cinnabar server (Redis 7.0.15 compatible) v=" + version());
            return;
        }
        if (args.length == 1 && (args[0].equals("-h") || args[0].equals("--help"))) {
            System.err.println("Usage: java -jar cinnabar-server.jar [/path/to/redis.conf] [options]\n"
                    + "Examples:\n"
                    + "       java -jar cinnabar-server.jar (run the server with default config)\n"
                    + "       java -jar cinnabar-server.jar --port 7777\n"
                    + "       java -jar cinnabar-server.jar /etc/redis/6379.conf --loglevel verbose");
            System.exit(1);
        }
        disableLeakDetectionUnlessAsked();
        Config config;
        try {
            config = ConfigLoader.fromArguments(args);
        } catch (ConfigLoader.FatalConfigError e) {
            System.err.println(e.getMessage());
            System.exit(1);
            return;
        }
        CinnabarServer server = CinnabarServer.of(config, false);
        try {
            server.start();
        } catch (IllegalStateException e) {
            System.err.println("# " + e.getMessage());
            System.exit(1);
            return;
        }
        handleSignal("TERM", "shutdown-on-sigterm", server);
        handleSignal("INT", "shutdown-on-sigint", server);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "cinnabar-signal"));
        server.awaitStop();
        System.exit(0);
    }

    /**
     * The standalone server runs without Netty's buffer leak detector unless a level is set on the command line:
     * its default samples one buffer in 128 and records a stack trace for it, 1-2% of the server's CPU on a
     * pipelined PING load. Tests (embedded servers) keep it, on paranoid.
     */
    private static void disableLeakDetectionUnlessAsked() {
        if (System.getProperty("io.netty.leakDetection.level") == null
                && System.getProperty("io.cinnabar.shaded.io.netty.leakDetection.level") == null) {
            io.netty.util.ResourceLeakDetector.setLevel(io.netty.util.ResourceLeakDetector.Level.DISABLED);
        }
    }

    /**
     * SIGTERM and SIGINT shut down as Redis does: the final save when save points are set (the
     * shutdown-on-sig* flags may force or skip it), and when that save fails the server goes on running.
     */
    private static void handleSignal(String name, String flagsParameter, CinnabarServer server) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal(name), sig -> {
                Thread t = new Thread(() -> {
                    boolean exit;
                    try {
                        exit = server.shutdownOnSignal(flagsParameter);
                    } catch (RuntimeException | Error e) {
                        // never a server that ignores signals: seen when the jar was rebuilt under a running
                        // server (classes not loaded yet could no longer be found)
                        System.err.println("# Error handling SIG" + name + ", exiting: " + e);
                        server.close();
                        exit = true;
                    }
                    if (exit) {
                        System.exit(0);
                    }
                }, "cinnabar-sig" + name.toLowerCase(java.util.Locale.ROOT));
                t.start();
            });
        } catch (IllegalArgumentException | UnsupportedOperationException | LinkageError e) {
            // no such signal here: the shutdown hook still closes the server
        }
    }

    private static String version() {
        String v = Main.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
