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
    // the first write kept in fields: most commands propagate one, which then costs no list
    private byte[][] first;
    private int firstDb;
    private List<byte[][]> commands;
    private List<Integer> dbs;

    @Override
    public boolean active() {
        return true;
    }

    @Override
    public void feed(int db, byte[][] argv, int argc) {
        byte[][] cmd = argv.length == argc ? argv : Arrays.copyOf(argv, argc);
        if (first == null) {
            first = cmd;
            firstDb = db;
            return;
        }
        if (commands == null) {
            commands = new ArrayList<>();
            dbs = new ArrayList<>();
        }
        dbs.add(db);
        commands.add(cmd);
    }

    private int size() {
        return first == null ? 0 : 1 + (commands == null ? 0 : commands.size());
    }

    private byte[][] command(int i) {
        return i == 0 ? first : commands.get(i - 1);
    }

    private int db(int i) {
        return i == 0 ? firstDb : dbs.get(i - 1);
    }

    /**
     * Hands the held writes to {@code target} (the keyspace's propagator once the EXEC or script is over) and
     * forgets them, so the batch can be used again.
     */
    public void replayInto(Propagator target) {
        int n = size();
        if (n == 0) {
            return;
        }
        if (target instanceof EffectsBatch outer) {
            for (int i = 0; i < n; i++) {
                byte[][] argv = command(i);
                outer.feed(db(i), argv, argv.length);
            }
            clear();
            return;
        }
        boolean wrap = n > 1;
        if (wrap) {
            target.feed(db(0), new byte[][] {MULTI}, 1);
        }
        for (int i = 0; i < n; i++) {
            byte[][] argv = command(i);
            target.feed(db(i), argv, argv.length);
        }
        if (wrap) {
            target.feed(db(n - 1), new byte[][] {EXEC}, 1);
        }
        clear();
    }

    private void clear() {
        first = null;
        if (commands != null) {
            commands.clear();
            dbs.clear();
        }
    }
}
