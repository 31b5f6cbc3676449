package io.cinnabar.server.command;

import io.cinnabar.protocol.bytes.Glob;
import io.cinnabar.server.exec.Client;
import io.cinnabar.server.exec.Config;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** CONFIG GET | SET | RESETSTAT | REWRITE, as config.c in Redis 7.0, over the parameters Cinnabar honours. */
final class ConfigCommands {
    private ConfigCommands() {
    }

    static void get(Client c) {
        Config config = c.engine.config();
        Map<String, Config.Param> matches = new LinkedHashMap<>();
        for (int i = 2; i < c.argc; i++) {
            String pattern = Args.string(c.argv[i]);
            if (pattern.indexOf('*') < 0 && pattern.indexOf('?') < 0 && pattern.indexOf('[') < 0) {
                Config.Param p = config.find(pattern);
                if (p != null && !containsIgnoreCase(matches, pattern)) {
                    matches.put(pattern, p);
                }
                continue;
            }
            byte[] pat = c.argv[i];
            for (Map.Entry<String, Config.Param> e : config.namesAndAliases().entrySet()) {
                if (!matches.containsKey(e.getKey())
                        && Glob.matches(pat, e.getKey().getBytes(StandardCharsets.UTF_8), true)) {
                    matches.put(e.getKey(), e.getValue());
                }
            }
        }
        c.reply.map(matches.size());
        for (Map.Entry<String, Config.Param> e : matches.entrySet()) {
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

    static void set(Client c) {
        if (c.argc < 4 || c.argc % 2 != 0) {
            c.error("ERR wrong number of arguments for 'config|set' command");
            return;
        }
        Config config = c.engine.config();
        List<Config.Param> params = new ArrayList<>();
        List<String> values = new ArrayList<>();
        for (int i = 2; i < c.argc; i += 2) {
            String name = Args.string(c.argv[i]);
            Config.Param p = config.find(name);
            if (p == null) {
                c.error("ERR Unknown option or number of arguments for CONFIG SET - '" + name + "'");
                return;
            }
            if (!p.mutable()) {
                failed(c, name, "can't set immutable config");
                return;
            }
            if (params.contains(p)) {
                failed(c, name, "duplicate parameter");
                return;
            }
            params.add(p);
            values.add(Args.string(c.argv[i + 1]));
        }
        List<String> old = new ArrayList<>();
        for (Config.Param p : params) {
            old.add(p.get());
        }
        for (int i = 0; i < params.size(); i++) {
            try {
                params.get(i).set(values.get(i));
            } catch (Config.InvalidValue e) {
                for (int j = 0; j < i; j++) {
                    try {
                        params.get(j).set(old.get(j)); // all or nothing, as Redis restores on failure
                    } catch (Config.InvalidValue ignored) {
                        // the old value was valid when it was set
                    }
                }
                failed(c, Args.string(c.argv[2 + i * 2]), e.getMessage());
                return;
            }
        }
        c.reply.ok();
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
            c.engine.log().warning("CONFIG REWRITE failed: " + e.getMessage());
            c.error("ERR Rewriting config file: " + e.getMessage());
        }
    }

    /**
     * Replaces the lines of the parameters Cinnabar manages with their current values and appends those the
     * file lacks, keeping every other line (comments included) as it was. Written to a temporary file and moved
     * into place, so a failure never leaves a half-written config.
     */
    static void rewriteFile(Config config, Path path) throws IOException {
        List<String> lines = Files.exists(path) ? Files.readAllLines(path, StandardCharsets.UTF_8) : new ArrayList<>();
        List<String> out = new ArrayList<>();
        java.util.Set<Config.Param> written = new java.util.HashSet<>();
        for (String line : lines) {
            String trimmed = line.trim();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                out.add(line);
                continue;
            }
            String name = trimmed.split("\\s+", 2)[0];
            Config.Param p = config.find(name);
            if (p == null) {
                out.add(line);
            } else if (written.add(p)) {
                out.add(p.name() + " " + quote(p.get()));
            }
        }
        boolean header = false;
        for (Config.Param p : config.all()) {
            if (!written.contains(p) && !p.get().equals(new Config().find(p.name()).get())) {
                if (!header) {
                    out.add("# Generated by CONFIG REWRITE");
                    header = true;
                }
                out.add(p.name() + " " + quote(p.get()));
            }
        }
        Path tmp = path.resolveSibling(path.getFileName() + ".tmp");
        Files.write(tmp, out, StandardCharsets.UTF_8);
        Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static String quote(String v) {
        if (!v.isEmpty() && v.chars().noneMatch(ch -> ch <= ' ' || ch == '"' || ch == '\'')) {
            return v;
        }
        StringBuilder sb = new StringBuilder("\"");
        for (char ch : v.toCharArray()) {
            if (ch == '"' || ch == '\\') {
                sb.append('\\');
            }
            sb.append(ch);
        }
        return sb.append('"').toString();
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
