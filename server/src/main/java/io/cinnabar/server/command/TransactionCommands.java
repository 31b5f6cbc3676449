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

    /**
     * One EXEC in progress. It normally runs to the end at once; a script inside it that passes
     * busy-reply-threshold suspends it (the executor goes back to answering BUSY) and it goes on from the next
     * command when the script is over, as Redis's EXEC goes on after its script.
     */
    private static final class Run implements Runnable {
        private final Client c;
        private final MultiState transaction;
        private final byte[][] argv;
        private final int argc;
        private final Keyspace keyspace;
        private final Propagator target;
        private final EffectsBatch effects;
        private final long now;
        private int next;

        Run(Client c) {
            this.c = c;
            this.transaction = c.multi();
            this.argv = c.argv;
            this.argc = c.argc;
            this.keyspace = c.engine.keyspace();
            this.target = keyspace.propagator();
            this.effects = target.active() ? new EffectsBatch() : null;
            this.now = keyspace.now;
        }

        void start() {
            c.unwatch(); // a transaction that runs watches nothing more (and the keys are not dirty: checked above)
            c.reply.array(transaction.count());
            runFrom();
        }

        /** The rest of the transaction, after a slow script inside it ended. */
        @Override
        public void run() {
            ByteBuf out = c.reply.buffer();
            boolean gone = out.refCnt() == 0; // the client left while its script ran: finish the writes anyway
            if (gone) {
                c.reply.buffer(Unpooled.buffer());
            }
            keyspace.now = now;
            try {
                runFrom();
            } finally {
                if (gone) {
                    c.reply.buffer().release();
                    c.reply.buffer(out);
                }
            }
        }

        private void runFrom() {
            if (effects != null) {
                keyspace.propagator(effects);
            }
            c.denyBlocking(true);
            Dispatcher dispatcher = c.engine.dispatcher();
            boolean suspended = false;
            try {
                while (next < transaction.count()) {
                    int i = next++;
                    byte[][] queued = transaction.argv(i);
                    c.argv = queued;
                    c.argc = queued.length;
                    dispatcher.callQueued(c, transaction.command(i));
                    if (c.waitingForScript) {
                        // the script thread owns the keyspace (and puts our batch back as the propagator when done)
                        suspended = true;
                        c.continueAfterScript(this);
                        return;
                    }
                }
            } finally {
                c.denyBlocking(false);
                c.argv = argv;
                c.argc = argc;
                c.propagationHandled(true); // the EXEC itself is never propagated: its commands' writes are
                if (!suspended) {
                    if (effects != null) {
                        keyspace.propagator(target);
                    }
                    finish();
                }
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
