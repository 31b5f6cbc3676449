package io.cinnabar.server.command;

import io.cinnabar.protocol.RespValue;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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

    /** Loads the recorded table and attaches the handlers; fails if either side lacks the other. */
    public static CommandTable load() {
        return load(Handlers.all());
    }

    static CommandTable load(Map<String, CommandHandler> handlers) {
        CommandTable table = new CommandTable();
        List<RespValue> values = RespValue.parseAll(readResource());
        java.util.Set<String> used = new java.util.HashSet<>();
        for (int i = 0; i + 2 < values.size(); i += 3) {
            RespValue info = values.get(i);
            String docName = values.get(i + 1).text();
            RespValue docs = values.get(i + 2);
            CommandSpec spec = table.build(info, docs, null, handlers, used);
            if (!spec.fullName.equals(docName)) {
                throw new IllegalStateException("commands.resp out of order at " + docName);
            }
            if (spec.handler == null && !spec.hasSubcommands()) {
                throw new IllegalStateException("no handler for recorded command " + spec.fullName);
            }
            table.commands.put(spec.name, spec);
        }
        for (String name : handlers.keySet()) {
            if (!used.contains(name)) {
                throw new IllegalStateException("handler without a recorded spec: " + name);
            }
        }
        return table;
    }

    private CommandSpec build(RespValue info, RespValue docs, CommandSpec parent, Map<String, CommandHandler> handlers,
                              java.util.Set<String> used) {
        List<RespValue> f = info.elements;
        String fullName = f.get(0).text();
        String name = fullName.contains("|") ? fullName.substring(fullName.indexOf('|') + 1) : fullName;
        long flags = 0;
        for (RespValue flag : f.get(2).elements) {
            flags |= CommandFlags.parse(flag.text());
        }
        RespValue group = docs.get("group");
        CommandHandler handler = handlers.get(fullName);
        if (handler != null) {
            used.add(fullName);
        }
        CommandSpec spec = new CommandSpec(fullName, name, (int) f.get(1).integer, flags, (int) f.get(3).integer,
                (int) f.get(4).integer, (int) f.get(5).integer, group == null ? "" : group.text(), handler, parent);
        RespValue subInfos = f.get(9);
        RespValue subDocs = docs.get("subcommands");
        if (subInfos.elements != null && !subInfos.elements.isEmpty()) {
            spec.subcommands = new NameTable<>();
            List<RespValue> keptInfos = new ArrayList<>();
            List<RespValue> keptDocs = new ArrayList<>();
            for (RespValue subInfo : subInfos.elements) {
                String subName = subInfo.elements.get(0).text();
                if (!handlers.containsKey(subName)) {
                    continue; // not implemented: absent from the table, so it answers "unknown subcommand"
                }
                RespValue subDoc = subDocs.get(subName);
                CommandSpec sub = build(subInfo, subDoc, spec, handlers, used);
                spec.subcommands.put(sub.name, sub);
                keptInfos.add(subInfo);
                keptDocs.add(RespValue.of('$', subName.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
                keptDocs.add(subDoc);
            }
            List<RespValue> infoFields = new ArrayList<>(f);
            infoFields.set(9, RespValue.aggregate('*', keptInfos));
            info = RespValue.aggregate('*', infoFields);
            List<RespValue> docFields = new ArrayList<>(docs.elements);
            for (int i = 0; i < docFields.size(); i += 2) {
                if ("subcommands".equals(docFields.get(i).text())) {
                    docFields.set(i + 1, RespValue.aggregate('%', keptDocs));
                }
            }
            docs = RespValue.aggregate('%', docFields);
        }
        spec.info = info;
        spec.docs = docs;
        return spec;
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
        return base.subcommands.get(argv[1]);
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
        return base == null || base.subcommands == null ? null : base.subcommands.get(fullName.substring(bar + 1));
    }

    public List<CommandSpec> all() {
        return commands.values();
    }

    /** Subcommands of a container, in the recorded order. */
    public static List<CommandSpec> subcommands(CommandSpec spec) {
        return spec.subcommands == null ? List.of() : spec.subcommands.values();
    }

    public int size() {
        return commands.size();
    }
}
