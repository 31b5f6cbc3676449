package io.cinnabar.server.command;

import io.cinnabar.protocol.bytes.Ascii;
import io.cinnabar.server.db.EffectsBatch;
import io.cinnabar.server.db.Keyspace;
import io.cinnabar.server.db.Propagator;
import io.cinnabar.server.error.ErrorReply;
import io.cinnabar.server.exec.Client;
import io.cinnabar.server.exec.MultiState;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * MULTI, EXEC, DISCARD, WATCH and UNWATCH, as Redis 7.0's multi.c. Queuing and the refusals while queuing are the
 * dispatcher's (processCommand); this class runs a transaction: one time snapshot for all of it, blocking commands
 * answering at once, the writes propagated as one batch (wrapped in MULTI/EXEC when more than one), waiters on
 * pushed keys served after the whole EXEC (the dispatcher serves after each top-level command).
 */
final class TransactionCommands {
    static final byte[] QUEUED = Ascii.bytes("+QUEUED\r\n");
    static final ErrorReply EXECABORT = io.cinnabar.server.error.Errors.of("EXECABORT Transaction discarded because of previous errors.");

    private TransactionCommands() {
    }

    static void multi(Client c) {
        if (c.inMulti()) {
            c.error("ERR MULTI calls can not be nested");
            return;
        }
        c.beginMulti();
        c.reply.ok();
    }

    static void discard(Client c) {
        if (!c.inMulti()) {
            c.error("ERR DISCARD without MULTI");
            return;
        }
        c.discardTransaction();
        c.reply.ok();
    }

    static void watch(Client c) {
        if (c.inMulti()) {
            c.error("ERR WATCH inside MULTI is not allowed");
            return;
        }
        for (int i = 1; i < c.argc; i++) {
            c.watch(c.argv[i]);
        }
        c.reply.ok();
    }

    static void unwatch(Client c) {
        c.unwatch();
        c.reply.ok();
    }

    static void exec(Client c) {
        if (!c.inMulti()) {
            c.error("ERR EXEC without MULTI");
            return;
        }
        boolean watchBroken = c.watchBroken();
        if (c.transactionAborted() || watchBroken) {
            if (c.transactionAborted()) {
                c.error(EXECABORT);
            } else {
                c.reply.nullArray();
            }
            c.discardTransaction();
            return;
        }
        new Run(c).start();
    }

    /** One EXEC: its commands run at once, with one time snapshot, their writes propagated as one batch. */
    private static final class Run {
        private final Client c;
        private final MultiState transaction;
        private final byte[][] argv;
        private final int argc;
        private final Keyspace keyspace;
        private final Propagator target;
        private final EffectsBatch effects;

        Run(Client c) {
            this.c = c;
            this.transaction = c.multi();
            this.argv = c.argv;
            this.argc = c.argc;
            this.keyspace = c.engine.keyspace();
            this.target = keyspace.propagator();
            this.effects = target.active() ? new EffectsBatch() : null;
        }

        void start() {
            c.unwatch(); // a transaction that runs watches nothing more (and the keys are not dirty: checked above)
            c.reply.array(transaction.count());
            if (effects != null) {
                keyspace.propagator(effects);
            }
            c.denyBlocking(true);
            Dispatcher dispatcher = c.engine.dispatcher();
            ByteBuf sink = null;
            try {
                for (int i = 0; i < transaction.count(); i++) {
                    if (sink == null && c.reply.buffer().refCnt() == 0) {
                        // the client left while a slow script in it served the sockets: the writes still happen
                        sink = Unpooled.buffer();
                        c.reply.buffer(sink);
                    }
                    byte[][] queued = transaction.argv(i);
                    c.argv = queued;
                    c.argc = queued.length;
                    dispatcher.callQueued(c, transaction.command(i));
                }
            } finally {
                c.denyBlocking(false);
                c.argv = argv;
                c.argc = argc;
                c.propagationHandled(true); // the EXEC itself is never propagated: its commands' writes are
                if (effects != null) {
                    keyspace.propagator(target);
                }
                if (sink != null) {
                    sink.release();
                }
                finish();
            }
        }

        private void finish() {
            if (c.multi() == transaction) {
                c.discardTransaction();
            }
            if (effects != null) {
                effects.replayInto(target);
            }
        }
    }
}
