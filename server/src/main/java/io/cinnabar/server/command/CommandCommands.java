package io.cinnabar.server.command;

import io.cinnabar.protocol.RespValue;
import io.cinnabar.protocol.bytes.Glob;
import io.cinnabar.server.exec.Client;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** COMMAND and its subcommands, answered from the recorded command table. */
final class CommandCommands {
    private CommandCommands() {
    }

    static void command(Client c) {
        List<CommandSpec> all = c.engine.commands().all();
        c.reply.array(all.size());
        for (CommandSpec spec : all) {
            spec.info().writeTo(c.reply);
        }
    }

    static void count(Client c) {
        c.reply.integer(c.engine.commands().size());
    }

    static void info(Client c) {
        if (c.argc == 2) {
            command(c);
            return;
        }
        c.reply.array(c.argc - 2);
        for (int i = 2; i < c.argc; i++) {
            CommandSpec spec = c.engine.commands().byFullName(Args.string(c.argv[i]));
            if (spec == null) {
                c.reply.nullBulk();
            } else {
                spec.info().writeTo(c.reply);
            }
        }
    }

    static void docs(Client c) {
        List<CommandSpec> selected = new ArrayList<>();
        if (c.argc == 2) {
            selected.addAll(c.engine.commands().all());
        } else {
            for (int i = 2; i < c.argc; i++) {
                CommandSpec spec = c.engine.commands().byFullName(Args.string(c.argv[i]));
                if (spec != null) {
                    selected.add(spec);
                }
            }
        }
        c.reply.map(selected.size());
        for (CommandSpec spec : selected) {
            c.reply.bulk(spec.fullName);
            spec.docs().writeTo(c.reply);
        }
    }

    static void list(Client c) {
        List<String> names = new ArrayList<>();
        if (c.argc == 5 && Args.is(c.argv[2], "filterby")) {
            byte[] kind = c.argv[3];
            byte[] value = c.argv[4];
            if (Args.is(kind, "module")) {
                // no modules are loaded, so no command comes from one
            } else if (Args.is(kind, "aclcat")) {
                String category = "@" + Args.string(value).toLowerCase(java.util.Locale.ROOT);
                collect(c, names, spec -> hasCategory(spec.info(), category));
            } else if (Args.is(kind, "pattern")) {
                collect(c, names, spec -> Glob.matches(value, spec.fullName.getBytes(StandardCharsets.UTF_8), true));
            } else {
                c.syntaxError();
                return;
            }
        } else if (c.argc != 2) {
            c.syntaxError();
            return;
        } else {
            collect(c, names, spec -> true);
        }
        c.reply.array(names.size());
        for (String name : names) {
            c.reply.bulk(name);
        }
    }

    private static void collect(Client c, List<String> names, java.util.function.Predicate<CommandSpec> filter) {
        for (CommandSpec spec : c.engine.commands().all()) {
            if (filter.test(spec)) {
                names.add(spec.fullName);
            }
            for (CommandSpec sub : CommandTable.subcommands(spec)) {
                if (filter.test(sub)) {
                    names.add(sub.fullName);
                }
            }
        }
    }

    private static boolean hasCategory(RespValue info, String category) {
        for (RespValue cat : info.elements.get(6).elements) {
            if (category.equals(cat.text())) {
                return true;
            }
        }
        return false;
    }

    static void getkeys(Client c) {
        byte[][] argv = java.util.Arrays.copyOfRange(c.argv, 2, c.argc);
        int argc = argv.length;
        CommandSpec spec = c.engine.commands().lookup(argv, argc);
        if (spec == null) {
            c.error("ERR Invalid command specified");
            return;
        }
        if (!spec.hasKeys() && !spec.has(CommandFlags.MOVABLE_KEYS)) {
            c.error("ERR The command has no key arguments");
            return;
        }
        if (!spec.arityAccepts(argc)) {
            c.error("ERR Invalid number of arguments specified for command");
            return;
        }
        List<byte[]> keys = keys(spec, argv, argc);
        if (keys.isEmpty()) {
            if (spec.has(CommandFlags.NO_MANDATORY_KEYS)) {
                c.reply.array(0);
            } else {
                c.error("ERR Invalid arguments specified for command");
            }
            return;
        }
        c.reply.array(keys.size());
        for (byte[] k : keys) {
            c.reply.bulk(k);
        }
    }

    /** The keys of a request by the legacy first/last/step positions (all the commands here describe theirs so). */
    static List<byte[]> keys(CommandSpec spec, byte[][] argv, int argc) {
        List<byte[]> keys = new ArrayList<>();
        if (spec.fullName.startsWith("eval")) {
            // movable keys: numkeys, then the keys (the keynum key spec of EVAL and its variants)
            long numkeys = io.cinnabar.protocol.bytes.Numbers.parseLong(argv[2]);
            for (int i = 0; i < numkeys && 3 + i < argc; i++) {
                keys.add(argv[3 + i]);
            }
            return keys;
        }
        if (spec.fullName.equals("sort")) {
            return SortCommand.keys(argv, argc); // movable keys: STORE's destination
        }
        int last = spec.lastKey < 0 ? argc + spec.lastKey : spec.lastKey;
        for (int i = spec.firstKey; i <= last && i < argc && spec.keyStep > 0; i += spec.keyStep) {
            keys.add(argv[i]);
        }
        return keys;
    }

    static void help(Client c) {
        Help.reply(c, "COMMAND",
                "(no subcommand)",
                "    Return details about all Redis commands.",
                "COUNT",
                "    Return the total number of commands in this Redis server.",
                "LIST",
                "    Return a list of all commands in this Redis server.",
                "INFO [<command-name> ...]",
                "    Return details about multiple Redis commands.",
                "    If no command names are given, documentation details for all",
                "    commands are returned.",
                "DOCS [<command-name> ...]",
                "    Return documentation details about multiple Redis commands.",
                "    If no command names are given, documentation details for all",
                "    commands are returned.",
                "GETKEYS <full-command>",
                "    Return the keys from a full Redis command.");
    }
}
