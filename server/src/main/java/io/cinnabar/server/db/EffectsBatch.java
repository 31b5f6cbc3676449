package io.cinnabar.server.db;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The writes of one EXEC or script, held while it runs and then propagated as Redis 7.0's
 * propagatePendingCommands does: alone if there is one, wrapped in MULTI/EXEC if there are more, so a replica or
 * the AOF replays them atomically. A batch replayed into another batch (a script inside EXEC) joins it unwrapped,
 * as Redis never nests MULTI. MULTI goes to the first write's database (its SELECT comes before it). Not
 * thread-safe: fed by whoever owns the keyspace, replayed on the executor.
 */
public final class EffectsBatch implements Propagator {
    private static final byte[] MULTI = "MULTI".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EXEC = "EXEC".getBytes(StandardCharsets.US_ASCII);
    private final List<byte[][]> commands = new ArrayList<>();
    private final List<Integer> dbs = new ArrayList<>();

    @Override
    public boolean active() {
        return true;
    }

    @Override
    public void feed(int db, byte[][] argv, int argc) {
        dbs.add(db);
        commands.add(argv.length == argc ? argv : Arrays.copyOf(argv, argc));
    }

    /** Hands the held writes to {@code target} (the keyspace's propagator once the EXEC or script is over). */
    public void replayInto(Propagator target) {
        if (commands.isEmpty()) {
            return;
        }
        if (target instanceof EffectsBatch outer) {
            outer.commands.addAll(commands);
            outer.dbs.addAll(dbs);
            return;
        }
        boolean wrap = commands.size() > 1;
        if (wrap) {
            target.feed(dbs.get(0), new byte[][] {MULTI}, 1);
        }
        for (int i = 0; i < commands.size(); i++) {
            byte[][] argv = commands.get(i);
            target.feed(dbs.get(i), argv, argv.length);
        }
        if (wrap) {
            target.feed(dbs.get(dbs.size() - 1), new byte[][] {EXEC}, 1);
        }
    }
}
