package io.cinnabar.server.persist;

import io.cinnabar.server.testing.RespClient;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Random data sets for the RDB tests, written with commands: strings (int, short, LZF-compressible, binary), hashes,
 * lists, sets, sorted sets and streams, small and large encodings, with and without expiry, in several databases.
 */
public final class RdbDataSets {
    private RdbDataSets() {
    }

    /** Commands that build a data set of about {@code keys} keys. */
    public static List<String[]> commands(long seed, int keys) {
        SplittableRandom r = new SplittableRandom(seed);
        List<String[]> out = new ArrayList<>();
        int db = 0;
        out.add(new String[] {"SELECT", "0"});
        for (int i = 0; i < keys; i++) {
            if (r.nextInt(200) == 0) {
                db = r.nextInt(4);
                out.add(new String[] {"SELECT", Integer.toString(db)});
            }
            String key = "k:" + i + ":" + r.nextInt(1000);
            int kind = r.nextInt(8);
            switch (kind) {
                case 0 -> out.add(new String[] {"SET", key, Long.toString(r.nextLong(-100_000, 100_000_000_000L))});
                case 1 -> out.add(new String[] {"SET", key, "v" + r.nextInt()});
                case 2 -> out.add(new String[] {"SET", key, "x".repeat(20 + r.nextInt(200)) + r.nextInt()});
                case 3 -> {
                    int n = 1 + r.nextInt(r.nextInt(10) == 0 ? 600 : 20);
                    String[] cmd = new String[2 + 2 * n];
                    cmd[0] = "HSET";
                    cmd[1] = key;
                    for (int j = 0; j < n; j++) {
                        cmd[2 + 2 * j] = "f" + j;
                        cmd[3 + 2 * j] = r.nextInt(3) == 0 ? Integer.toString(r.nextInt()) : "val" + r.nextInt(1000);
                    }
                    out.add(cmd);
                }
                case 4 -> {
                    int n = 1 + r.nextInt(r.nextInt(10) == 0 ? 1000 : 30);
                    String[] cmd = new String[2 + n];
                    cmd[0] = "RPUSH";
                    cmd[1] = key;
                    for (int j = 0; j < n; j++) {
                        cmd[2 + j] = r.nextInt(2) == 0 ? Integer.toString(r.nextInt(100000)) : "e" + r.nextInt();
                    }
                    out.add(cmd);
                }
                case 5 -> {
                    int n = 1 + r.nextInt(r.nextInt(10) == 0 ? 700 : 30);
                    boolean ints = r.nextBoolean();
                    String[] cmd = new String[2 + n];
                    cmd[0] = "SADD";
                    cmd[1] = key;
                    for (int j = 0; j < n; j++) {
                        cmd[2 + j] = ints ? Integer.toString(r.nextInt()) : "m" + r.nextInt();
                    }
                    out.add(cmd);
                }
                case 6 -> {
                    int n = 1 + r.nextInt(r.nextInt(10) == 0 ? 300 : 30);
                    String[] cmd = new String[2 + 2 * n];
                    cmd[0] = "ZADD";
                    cmd[1] = key;
                    for (int j = 0; j < n; j++) {
                        cmd[2 + 2 * j] = Double.toString(r.nextDouble() * 1000 - 500);
                        cmd[3 + 2 * j] = "m" + j;
                    }
                    out.add(cmd);
                }
                default -> {
                    int n = 1 + r.nextInt(20);
                    for (int j = 0; j < n; j++) {
                        out.add(new String[] {"XADD", key, "*", "f", "v" + j, "g", Integer.toString(j)});
                    }
                    if (r.nextBoolean()) {
                        out.add(new String[] {"XGROUP", "CREATE", key, "grp", "0"});
                        out.add(new String[] {"XREADGROUP", "GROUP", "grp", "alice", "COUNT", "2", "STREAMS", key, ">"});
                    }
                }
            }
            if (r.nextInt(5) == 0) {
                out.add(new String[] {"PEXPIREAT", key, Long.toString(System.currentTimeMillis() + 3_600_000 + r.nextInt(1000))});
            }
        }
        out.add(new String[] {"SELECT", "0"});
        return out;
    }

    /** Sends the commands pipelined and reads every reply. */
    public static void load(RespClient c, List<String[]> commands) {
        int batch = 0;
        for (String[] cmd : commands) {
            c.send(RespClient.encode(cmd));
            if (++batch == 500) {
                for (int i = 0; i < batch; i++) {
                    c.readReply();
                }
                batch = 0;
            }
        }
        for (int i = 0; i < batch; i++) {
            c.readReply();
        }
    }
}
