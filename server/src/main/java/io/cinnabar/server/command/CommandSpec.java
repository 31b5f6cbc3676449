package io.cinnabar.server.command;

import io.cinnabar.protocol.RespValue;

/**
 * One command or subcommand as Redis 7.0 describes it (arity with its sign convention, flags, legacy key
 * positions, ACL categories, docs), with its handler and its INFO commandstats counters.
 */
public final class CommandSpec {
    /** Lower-case full name: {@code get}, or {@code client|id} for a subcommand. */
    public final String fullName;
    /** Lower-case name as typed: {@code get}, {@code id}. */
    public final String name;
    public final int arity;
    public final long flags;
    public final int firstKey;
    public final int lastKey;
    public final int keyStep;
    public final String group;
    final CommandSpec parent;
    /** Every recorded subcommand; those without a handler behave as absent (see {@link CommandTable#lookup}). */
    NameTable<CommandSpec> subcommands;
    private CommandHandler handler;
    private boolean linked;
    /** The recorded COMMAND INFO entry and COMMAND DOCS value (the map after the name), as Redis has them. */
    RespValue recordedInfo;
    RespValue recordedDocs;
    /** The same without unimplemented subcommands, made on first use. */
    RespValue info;
    RespValue docs;

    public long calls;
    /** Time spent in the command, in nanoseconds (INFO prints microseconds). */
    public long nanos;
    public long rejectedCalls;
    public long failedCalls;
    /** INFO latencystats: created on the first call timed while latency-tracking is on, dropped by RESETSTAT. */
    public io.cinnabar.server.exec.LatencyHistogram latency;

    CommandSpec(String fullName, String name, int arity, long flags, int firstKey, int lastKey, int keyStep,
                String group, CommandSpec parent) {
        this.fullName = fullName;
        this.name = name;
        this.arity = arity;
        this.flags = flags;
        this.firstKey = firstKey;
        this.lastKey = lastKey;
        this.keyStep = keyStep;
        this.group = group;
        this.parent = parent;
    }

    public boolean has(long flag) {
        return (flags & flag) != 0;
    }

    public boolean hasSubcommands() {
        return subcommands != null;
    }

    /** True if {@code argc} arguments (the name included) satisfy the arity: exact if positive, a minimum if not. */
    public boolean arityAccepts(int argc) {
        return arity > 0 ? argc == arity : argc >= -arity;
    }

    public boolean hasKeys() {
        return firstKey > 0;
    }

    /** The handler, linked on first use (see {@link Handlers}); null if Cinnabar does not have this command. */
    CommandHandler handler() {
        if (!linked) {
            handler = Handlers.of(fullName);
            linked = true;
        }
        return handler;
    }

    /** Attaches {@code body} instead of looking the handler up (tests' stand-in commands). */
    CommandSpec withHandler(CommandHandler body) {
        handler = body;
        linked = true;
        return this;
    }

    /** COMMAND INFO's entry, listing only the subcommands Cinnabar has. */
    public RespValue info() {
        if (info == null) {
            CommandTable.dropUnimplementedSubcommands(this);
        }
        return info;
    }

    /** COMMAND DOCS's value, listing only the subcommands Cinnabar has. */
    public RespValue docs() {
        if (docs == null) {
            CommandTable.dropUnimplementedSubcommands(this);
        }
        return docs;
    }

    public void resetStats() {
        calls = 0;
        nanos = 0;
        latency = null;
        rejectedCalls = 0;
        failedCalls = 0;
    }

    @Override
    public String toString() {
        return fullName;
    }
}
