package io.cinnabar.server.command;

import io.cinnabar.protocol.bytes.Glob;
import io.cinnabar.server.exec.Client;
import io.cinnabar.server.exec.Config;
import io.cinnabar.server.exec.ConfigParam;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;

/** CONFIG GET | SET | RESETSTAT | REWRITE, as config.c in Redis 7.0, over the parameters Cinnabar honours. */
final class ConfigCommands {
    private ConfigCommands() {
    }

    static void get(Client c) {
        Config config = c.engine.config();
        Map<String, ConfigParam> matches = new LinkedHashMap<>();
        for (int i = 2; i < c.argc; i++) {
            String pattern = Args.string(c.argv[i]);
            if (pattern.indexOf('*') < 0 && pattern.indexOf('?') < 0 && pattern.indexOf('[') < 0) {
                ConfigParam p = config.find(pattern); // an exact name also finds the hidden parameters
                if (p != null && !containsIgnoreCase(matches, pattern)) {
                    matches.put(pattern, p);
                }
                continue;
            }
            byte[] pat = c.argv[i];
            for (Map.Entry<String, ConfigParam> e : config.namesAndAliases().entrySet()) {
                if (!e.getValue().hidden() && !containsIgnoreCase(matches, e.getKey())
                        && Glob.matches(pat, e.getKey().getBytes(StandardCharsets.UTF_8), true)) {
                    matches.put(e.getKey(), e.getValue());
                }
            }
        }
        c.reply.map(matches.size());
        for (Map.Entry<String, ConfigParam> e : matches.entrySet()) {
            c.reply.bulk(e.getKey());
            c.reply.bulk(e.getValue().get());
        }
    }

    private static boolean containsIgnoreCase(Map<String, ?> map, String key) {
        for (String k : map.keySet()) {
            if (k.equalsIgnoreCase(key)) {
                return true;
            }
        }
        return false;
    }

    /**
     * configSetCommand: every name is looked up first (an unknown one wins over other errors only if it comes
     * first), immutable, protected and repeated parameters fail the whole command, then the values are set in
     * order and, when one fails, the earlier ones get their old values back.
     */
    static void set(Client c) {
        if ((c.argc & 1) != 0) {
            c.error("ERR syntax error");
            return;
        }
        Config config = c.engine.config();
        int count = (c.argc - 2) / 2;
        ConfigParam[] params = new ConfigParam[count];
        boolean[] viaAlias = new boolean[count];
        String unknown = null;
        String errorArg = null;
        String error = null;
        for (int i = 0; i < count; i++) {
            String name = Args.string(c.argv[2 + i * 2]);
            ConfigParam p = config.find(name);
            if (p == null) {
                if (errorArg == null && unknown == null) {
                    unknown = name;
                }
                continue;
            }
            if (errorArg != null || unknown != null) {
                continue;
            }
            if (!p.mutable() || (p.isProtected() && !protectedAllowed(c, config))) {
                error = p.mutable() ? "can't set protected config" : "can't set immutable config";
                errorArg = name;
                continue;
            }
            // Redis registers an alias as a copy of its parameter, so "lua-time-limit 5 busy-reply-threshold 6"
            // is not a duplicate (the last one wins) but "hz 5 HZ 6" is
            viaAlias[i] = !name.equalsIgnoreCase(p.name());
            for (int j = 0; j < i; j++) {
                if (params[j] == p && viaAlias[j] == viaAlias[i]) {
                    error = "duplicate parameter";
                    errorArg = name;
                    break;
                }
            }
            params[i] = p;
        }
        if (unknown != null) {
            c.error("ERR Unknown option or number of arguments for CONFIG SET - '" + unknown + "'");
            return;
        }
        if (errorArg != null) {
            failed(c, errorArg, error);
            return;
        }
        String[] old = new String[count];
        for (int i = 0; i < count; i++) {
            old[i] = params[i].get();
        }
        for (int i = 0; i < count; i++) {
            try {
                params[i].setFromCommand(Args.string(c.argv[3 + i * 2]));
            } catch (Config.InvalidValue e) {
                for (int j = 0; j <= i; j++) {
                    try {
                        params[j].setFromCommand(old[j]); // restoreBackupConfig
                    } catch (Config.InvalidValue ignored) {
                        // the old value was valid when it was set
                    }
                }
                failed(c, Args.string(c.argv[2 + i * 2]), e.getMessage());
                return;
            }
        }
        for (int i = 0; i < count; i++) {
            // the apply functions run once every value is set; one that fails restores them all
            ConfigParam.Apply apply = params[i].applier();
            String reason = apply == null || params[i].get().equals(old[i]) ? null : apply.apply();
            if (reason != null) {
                for (int j = 0; j < count; j++) {
                    try {
                        params[j].setFromCommand(old[j]);
                    } catch (Config.InvalidValue ignored) {
                        // the old value was valid when it was set
                    }
                }
                failed(c, Args.string(c.argv[2 + i * 2]), reason);
                return;
            }
        }
        c.reply.ok();
    }

    /** allowProtectedAction: enable-protected-configs yes, or local and the client is on loopback. */
    private static boolean protectedAllowed(Client c, Config config) {
        String setting = config.enableProtectedConfigs();
        return setting.equals("yes")
                || (setting.equals("local") && c.connection() != null && c.connection().isLocal());
    }

    private static void failed(Client c, String name, String reason) {
        c.error("ERR CONFIG SET failed (possibly related to argument '" + name + "') - " + reason);
    }

    static void resetstat(Client c) {
        c.engine.stats().reset();
        c.engine.keyspace().resetStats();
        for (CommandSpec spec : c.engine.commands().all()) {
            spec.resetStats();
            for (CommandSpec sub : CommandTable.subcommands(spec)) {
                sub.resetStats();
            }
        }
        c.reply.ok();
    }

    static void rewrite(Client c) {
        String file = c.engine.config().configFile();
        if (file == null) {
            c.error("ERR The server is running without a config file");
            return;
        }
        try {
            rewriteFile(c.engine.config(), Path.of(file));
            c.engine.log().notice("CONFIG REWRITE executed with success.");
            c.reply.ok();
        } catch (IOException e) {
            String reason = reason(e);
            c.engine.log().warning("CONFIG REWRITE failed: " + reason);
            c.error("ERR Rewriting config file: " + reason);
        }
    }

    /** strerror's wording for the usual failures. */
    private static String reason(IOException e) {
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "Permission denied";
        } else if (e instanceof java.nio.file.NoSuchFileException) {
            return "No such file or directory";
        } else if (e instanceof java.nio.file.NotDirectoryException) {
            return "Not a directory";
        }
        return e.getMessage();
    }

    /**
     * rewriteConfig: every parameter rewrites its lines (see {@link ConfigRewrite}), then the default user's
     * line, then the file is replaced through a temporary file so that a failure never leaves half a config.
     */
    static void rewriteFile(Config config, Path path) throws IOException {
        String old = null;
        try {
            old = Files.readString(path, StandardCharsets.UTF_8);
        } catch (java.nio.file.NoSuchFileException e) {
            // a missing file is written afresh
        }
        String content = config.rewrite(old);
        Path tmp = path.resolveSibling(path.getFileName() + ".tmp");
        Files.writeString(tmp, content, StandardCharsets.UTF_8);
        Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    static void help(Client c) {
        Help.reply(c, "CONFIG",
                "GET <pattern>",
                "    Return parameters matching the glob-like <pattern> and their values.",
                "SET <directive> <value>",
                "    Set the configuration <directive> to <value>.",
                "RESETSTAT",
                "    Reset statistics reported by the INFO command.",
                "REWRITE",
                "    Rewrite the configuration file.");
    }
}
