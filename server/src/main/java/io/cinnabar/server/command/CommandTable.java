package io.cinnabar.server.command;

import io.cinnabar.protocol.RespValue;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The command table: Redis 7.0's own COMMAND INFO and COMMAND DOCS entries (recorded by
 * tools/record-command-table.py into commands.resp) joined with the handlers of {@link Handlers}. Commands are
 * data: arity, flags, key positions and docs come from the recording; the code only says what runs.
 */
public final class CommandTable {
    private static final String RESOURCE = "commands.resp";
    private final NameTable<CommandSpec> commands = new NameTable<>();

    private CommandTable() {
    }

    /**
     * Loads the recorded table. Handlers attach lazily (see {@link Handlers}); CommandTableTest checks that every
     * recorded command has one and every handler a recorded entry.
     */
    public static CommandTable load() {
        CommandTable table = new CommandTable();
        List<RespValue> values = RespValue.parseAll(readResource());
        for (int i = 0; i + 2 < values.size(); i += 3) {
            RespValue info = values.get(i);
            String docName = values.get(i + 1).text();
            RespValue docs = values.get(i + 2);
            CommandSpec spec = table.build(info, docs, null);
            if (!spec.fullName.equals(docName)) {
                throw new IllegalStateException("commands.resp out of order at " + docName);
            }
            table.commands.put(spec.name, spec);
        }
        return table;
    }

    private CommandSpec build(RespValue info, RespValue docs, CommandSpec parent) {
        List<RespValue> f = info.elements;
        String fullName = f.get(0).text();
        String name = fullName.contains("|") ? fullName.substring(fullName.indexOf('|') + 1) : fullName;
        long flags = 0;
        for (RespValue flag : f.get(2).elements) {
            flags |= CommandFlags.parse(flag.text());
        }
        RespValue group = docs.get("group");
        CommandSpec spec = new CommandSpec(fullName, name, (int) f.get(1).integer, flags, (int) f.get(3).integer,
                (int) f.get(4).integer, (int) f.get(5).integer, group == null ? "" : group.text(), parent);
        RespValue subInfos = f.get(9);
        if (subInfos.elements != null && !subInfos.elements.isEmpty()) {
            RespValue subDocs = docs.get("subcommands");
            spec.subcommands = new NameTable<>();
            for (RespValue subInfo : subInfos.elements) {
                String subName = subInfo.elements.get(0).text();
                CommandSpec sub = build(subInfo, subDocs.get(subName), spec);
                spec.subcommands.put(sub.name, sub);
            }
        }
        spec.recordedInfo = info;
        spec.recordedDocs = docs;
        spec.info = spec.subcommands == null ? info : null;
        spec.docs = spec.subcommands == null ? docs : null;
        return spec;
    }

    /** Sets the spec's INFO and DOCS entries to the recorded ones without the subcommands Cinnabar lacks. */
    static void dropUnimplementedSubcommands(CommandSpec spec) {
        List<RespValue> keptInfos = new ArrayList<>();
        List<RespValue> keptDocs = new ArrayList<>();
        for (CommandSpec sub : subcommands(spec)) {
            keptInfos.add(sub.recordedInfo);
            keptDocs.add(RespValue.of('$', sub.fullName.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            keptDocs.add(sub.recordedDocs);
        }
        List<RespValue> infoFields = new ArrayList<>(spec.recordedInfo.elements);
        infoFields.set(9, RespValue.aggregate('*', keptInfos));
        List<RespValue> docFields = new ArrayList<>(spec.recordedDocs.elements);
        for (int i = 0; i < docFields.size(); i += 2) {
            if ("subcommands".equals(docFields.get(i).text())) {
                docFields.set(i + 1, RespValue.aggregate('%', keptDocs));
            }
        }
        spec.info = RespValue.aggregate('*', infoFields);
        spec.docs = RespValue.aggregate('%', docFields);
    }

    private static byte[] readResource() {
        try (InputStream in = CommandTable.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + RESOURCE);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Finds the command for a request as Redis's lookupCommand: the subcommand when the command has subcommands
     * and an argument follows, the command itself otherwise; null when unknown.
     */
    public CommandSpec lookup(byte[][] argv, int argc) {
        CommandSpec base = commands.get(argv[0]);
        if (base == null || argc == 1 || base.subcommands == null) {
            return base;
        }
        return implemented(base.subcommands.get(argv[1]));
    }

    /** A subcommand Cinnabar does not have is absent, so it answers "unknown subcommand". */
    private static CommandSpec implemented(CommandSpec sub) {
        return sub == null || sub.handler() == null ? null : sub;
    }

    /** The top-level command of that name, or null. */
    public CommandSpec get(byte[] name) {
        return commands.get(name);
    }

    /** Looks up {@code name} or {@code container|sub}. */
    public CommandSpec byFullName(String fullName) {
        int bar = fullName.indexOf('|');
        if (bar < 0) {
            return commands.get(fullName);
        }
        CommandSpec base = commands.get(fullName.substring(0, bar));
        return base == null || base.subcommands == null ? null
                : implemented(base.subcommands.get(fullName.substring(bar + 1)));
    }

    public List<CommandSpec> all() {
        return commands.values();
    }

    /** The subcommands of a container that Cinnabar has, in the recorded order. */
    public static List<CommandSpec> subcommands(CommandSpec spec) {
        if (spec.subcommands == null) {
            return List.of();
        }
        List<CommandSpec> kept = new ArrayList<>();
        for (CommandSpec sub : spec.subcommands.values()) {
            if (sub.handler() != null) {
                kept.add(sub);
            }
        }
        return kept;
    }

    public int size() {
        return commands.size();
    }
}
