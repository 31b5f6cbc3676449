package io.cinnabar.server;

import io.cinnabar.server.exec.Config;
import io.cinnabar.server.exec.ConfigParam;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads redis-server style configuration: an optional config file, then {@code --name value ...} arguments, which
 * Redis turns into more config lines ({@code loadServerConfigFromString}). Errors carry Redis's fatal message.
 */
final class ConfigLoader {
    /** A configuration Redis would refuse at start; {@link #getMessage()} is the whole fatal report. */
    static final class FatalConfigError extends Exception {
        FatalConfigError(String report) {
            super(report, null, false, false);
        }
    }

    /** Redis 7.0's default save points. */
    static final String REDIS_DEFAULT_SAVE = "3600 1 300 100 60 10000";

    private ConfigLoader() {
    }

    /** Builds the configuration from redis-server's arguments. */
    static Config fromArguments(String[] args) throws FatalConfigError, IOException {
        Config config = new Config();
        try {
            // redis-server's default save points (initServerConfig), which the first save line replaces; the
            // embedding API starts with none
            config.set("save", REDIS_DEFAULT_SAVE);
        } catch (Config.InvalidValue e) {
            throw new IllegalStateException(e);
        }
        StringBuilder text = new StringBuilder();
        int j = 0;
        if (args.length > 0 && !args[0].startsWith("--")) {
            Path file = Path.of(args[0]);
            if (!Files.isReadable(file)) {
                throw new FatalConfigError("Fatal error, can't open config file '" + args[0]
                        + "': No such file or directory");
            }
            text.append(Files.readString(file, StandardCharsets.UTF_8));
            config.configFile(file.toAbsolutePath().toString());
            j = 1;
        }
        StringBuilder options = new StringBuilder();
        for (; j < args.length; j++) {
            String a = args[j];
            if (a.startsWith("--") && a.length() > 2) {
                options.append('\n').append(a.substring(2)).append(' ');
            } else {
                options.append(ConfigParam.repr(a)).append(' '); // as redis-server: sdscatrepr
            }
        }
        text.append(options);
        load(config, text.toString());
        return config;
    }


    /**
     * loadServerConfigFromString: each line is a parameter and its arguments (immutable ones included), checked
     * as CONFIG SET checks them; a multi-argument parameter given one argument splits it ({@code --save "60 1"}).
     * {@code user default} lines are what CONFIG REWRITE writes, and must match requirepass.
     */
    static void load(Config config, String text) throws FatalConfigError {
        String[] lines = text.split("\n", -1);
        int userLine = -1;
        String userRules = null;
        boolean saveSeen = false;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].trim();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            List<String> argv = split(line);
            if (argv == null) {
                throw fatal(i, line, "Unbalanced quotes in configuration line");
            }
            if (argv.isEmpty()) {
                continue;
            }
            String name = argv.get(0).toLowerCase(Locale.ROOT);
            ConfigParam p = config.find(name);
            if (p == null && name.equals("user") && argv.size() >= 2) {
                if (!argv.get(1).equals("default")) {
                    throw fatal(i, line, "Error in user declaration '" + argv.get(1) + "': "
                            + Config.notSupported("ACL users other than default"));
                }
                userLine = i;
                userRules = String.join(" ", argv.subList(2, argv.size()));
                continue;
            }
            if (p == null) {
                throw fatal(i, line, "Bad directive or wrong number of arguments");
            }
            try {
                List<String> args = argv.subList(1, argv.size());
                if (name.equals("save")) {
                    // setConfigSaveOption while reading a config: the first save line drops the defaults, later
                    // ones add their points; save "" empties the list
                    String current = saveSeen ? p.get() : "";
                    saveSeen = true;
                    boolean empty = args.size() == 1 && args.get(0).isEmpty();
                    if (!empty && !current.isBlank()) {
                        p.setFromFile(args); // checked alone first, for the error text
                        args = List.of(current + " " + p.get());
                    }
                }
                p.setFromFile(args);
            } catch (Config.InvalidValue e) {
                throw fatal(i, line, e.getMessage());
            }
        }
        if (userRules != null && !userRules.equals("on " + config.defaultUserPassword() + " ~* &* +@all")) {
            throw fatal(userLine, lines[userLine].trim(), "Error in user declaration 'default': "
                    + Config.notSupported("ACL rules other than requirepass's"));
        }
    }

    private static FatalConfigError fatal(int index, String line, String reason) {
        return new FatalConfigError("\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\n"
                + "Reading the configuration file, at line " + (index + 1) + "\n"
                + ">>> '" + line + "'\n" + reason);
    }

    /** sdssplitargs over a config line; null for unbalanced quotes. */
    private static List<String> split(String line) {
        io.netty.buffer.ByteBuf buf = io.netty.buffer.Unpooled.wrappedBuffer((line + "\n").getBytes(StandardCharsets.UTF_8));
        io.cinnabar.protocol.RequestDecoder decoder = new io.cinnabar.protocol.RequestDecoder();
        List<String> out = new ArrayList<>();
        try {
            if (decoder.decode(buf)) {
                for (int i = 0; i < decoder.argc(); i++) {
                    out.add(new String(decoder.argv()[i], StandardCharsets.UTF_8));
                }
            }
        } catch (io.cinnabar.protocol.ProtocolException e) {
            return null;
        }
        return out;
    }
}
