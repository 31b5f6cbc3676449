package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cinnabar.server.db.KeyEvent;
import io.cinnabar.server.db.KeyspaceListener;
import io.cinnabar.server.db.Propagator;
import io.cinnabar.server.exec.Engine;
import io.cinnabar.server.testing.RespClient;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * SORT ... STORE through the write hook as Redis 7.0.15 reports it (checked with keyspace notifications): "sortstore"
 * for a stored result, "del" when an empty one deletes the destination; dirty grows by the elements stored; the
 * command propagates as it came, and not at all when it changed nothing.
 */
class SortStoreHookTest {
    @Test
    void storeReportsSortstoreOrDelCountsItsChangesAndPropagatesAsIs() {
        List<String> events = new ArrayList<>();
        List<String> fed = new ArrayList<>();
        try (CinnabarServer server = CinnabarServer.builder().build().start();
             RespClient c = new RespClient(server.port())) {
            Engine engine = server.engine();
            engine.call(() -> {
                engine.keyspace().addListener(new KeyspaceListener() {
                    @Override
                    public void keyModified(int db, byte[] key, KeyEvent event) {
                        events.add(event.name() + " " + new String(key, StandardCharsets.UTF_8));
                    }

                    @Override
                    public void databaseFlushed(int db) {
                    }

                    @Override
                    public void databasesSwapped(int a, int b) {
                    }
                });
                engine.keyspace().tap().add(new Propagator() {
                    @Override
                    public boolean active() {
                        return true;
                    }

                    @Override
                    public void feed(int db, byte[][] argv, int argc) {
                        StringBuilder sb = new StringBuilder();
                        for (int i = 0; i < argc; i++) {
                            sb.append(i > 0 ? " " : "").append(new String(argv[i], StandardCharsets.UTF_8));
                        }
                        fed.add(sb.toString());
                    }
                });
                return null;
            });
            c.call("RPUSH", "l", "3", "1", "2");
            long dirty = engine.call(() -> engine.keyspace().dirty);
            c.call("SORT", "l", "STORE", "d");
            c.call("SORT", "l", "GET", "#", "GET", "x*", "STORE", "d");
            c.call("SORT", "l");
            c.call("SORT", "nosuch", "STORE", "d");
            c.call("SORT", "nosuch", "STORE", "d");
            assertEquals(3 + 6 + 1, engine.call(() -> engine.keyspace().dirty) - dirty);
            assertEquals(List.of("new l", "rpush l", "new d", "sortstore d", "sortstore d", "del d"),
                    engine.call(() -> new ArrayList<>(events)));
            assertEquals(List.of("RPUSH l 3 1 2", "SORT l STORE d", "SORT l GET # GET x* STORE d",
                    "SORT nosuch STORE d"), engine.call(() -> new ArrayList<>(fed)));
        }
    }
}
