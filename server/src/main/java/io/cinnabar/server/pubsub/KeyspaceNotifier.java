package io.cinnabar.server.pubsub;

import io.cinnabar.protocol.bytes.Ascii;
import io.cinnabar.server.db.KeyEvent;
import io.cinnabar.server.db.KeyspaceListener;
import io.cinnabar.server.exec.Config;

/**
 * Keyspace notifications, as Redis 7.0's notify.c: every change the keyspace write hook reports is published on
 * {@code __keyspace@<db>__:<key>} (the event name as message) and {@code __keyevent@<db>__:<event>} (the key as
 * message) when {@code notify-keyspace-events} selects its class, in that order. Costs one flag test per change
 * when off. Not thread-safe: executor thread (a running script's deliveries wait for its end in {@link PubSub}).
 */
public final class KeyspaceNotifier implements KeyspaceListener {
    private static final int KEYSPACE = 1;
    private static final int KEYEVENT = 1 << 1;
    private static final byte[] KEYSPACE_PREFIX = Ascii.bytes("__keyspace@");
    private static final byte[] KEYEVENT_PREFIX = Ascii.bytes("__keyevent@");
    private static final byte[] KEYMISS = Ascii.bytes("keymiss");

    private final Config config;
    private final PubSub pubSub;

    public KeyspaceNotifier(Config config, PubSub pubSub) {
        this.config = config;
        this.pubSub = pubSub;
    }

    @Override
    public void keyModified(int db, byte[] key, KeyEvent event) {
        notify(event.type(), event.nameBytes(), key, db);
    }

    @Override
    public void keyMissed(int db, byte[] key) {
        notify(KeyEvent.KEY_MISS, KEYMISS, key, db);
    }

    /** notifyKeyspaceEvent. */
    private void notify(int type, byte[] event, byte[] key, int db) {
        int f = config.keyspaceEventFlags();
        if ((f & type) == 0 || !pubSub.hasSubscribers()) {
            return;
        }
        byte[] dbId = Ascii.bytes(Integer.toString(db));
        if ((f & KEYSPACE) != 0) {
            pubSub.publish(channel(KEYSPACE_PREFIX, dbId, key), event);
        }
        if ((f & KEYEVENT) != 0) {
            pubSub.publish(channel(KEYEVENT_PREFIX, dbId, event), key);
        }
    }

    /** {@code <prefix><db>__:<suffix>}. */
    private static byte[] channel(byte[] prefix, byte[] db, byte[] suffix) {
        byte[] channel = new byte[prefix.length + db.length + 3 + suffix.length];
        System.arraycopy(prefix, 0, channel, 0, prefix.length);
        System.arraycopy(db, 0, channel, prefix.length, db.length);
        int at = prefix.length + db.length;
        channel[at] = '_';
        channel[at + 1] = '_';
        channel[at + 2] = ':';
        System.arraycopy(suffix, 0, channel, at + 3, suffix.length);
        return channel;
    }
}
