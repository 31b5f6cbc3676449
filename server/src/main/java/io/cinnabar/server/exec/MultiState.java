package io.cinnabar.server.exec;

import io.cinnabar.server.command.CommandSpec;
import java.util.Arrays;

/**
 * A client's open transaction, as Redis's multiState: the commands queued since MULTI with their own copies of the
 * argument arrays (the decoder reuses its array; the arguments themselves are fresh and owned by nobody else), the
 * union of their flags (CLIENT PAUSE WRITE holds an EXEC that would write), and whether a command was rejected
 * while queuing (EXEC then answers EXECABORT). Not thread-safe: executor thread only.
 */
public final class MultiState {
    private CommandSpec[] commands = new CommandSpec[2];
    private byte[][][] argvs = new byte[2][][];
    private int count;
    private long flags;
    /** multi-mem's argv_len_sums: the queued arguments' bytes plus a reference each. */
    private long argvBytes;
    /** CLIENT_DIRTY_EXEC: a command was refused while queuing. */
    private boolean aborted;

    void queue(CommandSpec cmd, byte[][] argv, int argc) {
        if (count == commands.length) {
            commands = Arrays.copyOf(commands, count * 2);
            argvs = Arrays.copyOf(argvs, count * 2);
        }
        commands[count] = cmd;
        argvs[count] = Arrays.copyOf(argv, argc);
        count++;
        flags |= cmd.flags;
        long bytes = 8L * argc;
        for (int i = 0; i < argc; i++) {
            bytes += argv[i].length;
        }
        argvBytes += bytes;
    }

    public int count() {
        return count;
    }

    public CommandSpec command(int i) {
        return commands[i];
    }

    public byte[][] argv(int i) {
        return argvs[i];
    }

    /** True when any queued command has one of {@code mask}'s flags (CMD_WRITE, CMD_MAY_REPLICATE, ...). */
    public boolean anyHas(long mask) {
        return (flags & mask) != 0;
    }

    long argvBytes() {
        return argvBytes;
    }

    boolean aborted() {
        return aborted;
    }

    void abort() {
        aborted = true;
    }
}
