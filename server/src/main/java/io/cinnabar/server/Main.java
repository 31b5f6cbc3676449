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
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "cinnabar-signal"));
        server.awaitStop();
        System.exit(0);
    }

    private static String version() {
        String v = Main.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
