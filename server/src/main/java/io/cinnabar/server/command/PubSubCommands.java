package io.cinnabar.server.command;

import io.cinnabar.server.exec.Client;
import io.cinnabar.server.pubsub.PubSub;
import io.cinnabar.server.pubsub.PubSub.Kind;
import java.util.List;

/** SUBSCRIBE, PSUBSCRIBE, SSUBSCRIBE, their UNSUBSCRIBEs, PUBLISH, SPUBLISH and PUBSUB, as Redis 7.0's pubsub.c. */
final class PubSubCommands {
    private PubSubCommands() {
    }

    static void subscribe(Client c) {
        subscribeGeneric(c, Kind.CHANNEL);
    }

    static void psubscribe(Client c) {
        subscribeGeneric(c, Kind.PATTERN);
    }

    static void ssubscribe(Client c) {
        if (c.blockingDenied()) {
            // unlike SUBSCRIBE, not even inside MULTI (Redis keeps that exception for backward compatibility only)
            c.error("ERR SSUBSCRIBE isn't allowed for a DENY BLOCKING client");
            return;
        }
        subscribeGeneric(c, Kind.SHARD);
    }

    private static void subscribeGeneric(Client c, Kind kind) {
        PubSub pubSub = c.engine.pubSub();
        for (int i = 1; i < c.argc; i++) {
            pubSub.subscribe(c, kind, c.argv[i]);
        }
    }

    static void unsubscribe(Client c) {
        unsubscribeGeneric(c, Kind.CHANNEL);
    }

    static void punsubscribe(Client c) {
        unsubscribeGeneric(c, Kind.PATTERN);
    }

    static void sunsubscribe(Client c) {
        unsubscribeGeneric(c, Kind.SHARD);
    }

    private static void unsubscribeGeneric(Client c, Kind kind) {
        PubSub pubSub = c.engine.pubSub();
        if (c.argc == 1) {
            pubSub.unsubscribeAll(c, kind, true);
        } else {
            for (int i = 1; i < c.argc; i++) {
                pubSub.unsubscribe(c, kind, c.argv[i], true);
            }
        }
    }

    static void publish(Client c) {
        c.reply.integer(c.engine.pubSub().publish(c.argv[1], c.argv[2]));
    }

    static void spublish(Client c) {
        c.reply.integer(c.engine.pubSub().spublish(c.argv[1], c.argv[2]));
    }

    static void channels(Client c) {
        channelsGeneric(c, Kind.CHANNEL);
    }

    static void shardchannels(Client c) {
        channelsGeneric(c, Kind.SHARD);
    }

    private static void channelsGeneric(Client c, Kind kind) {
        if (c.argc > 3) {
            Help.unknownSubcommand(c, "PUBSUB");
            return;
        }
        List<byte[]> names = c.engine.pubSub().channels(kind, c.argc == 3 ? c.argv[2] : null);
        c.reply.array(names.size());
        for (byte[] name : names) {
            c.reply.bulk(name);
        }
    }

    static void numsub(Client c) {
        numsubGeneric(c, Kind.CHANNEL);
    }

    static void shardnumsub(Client c) {
        numsubGeneric(c, Kind.SHARD);
    }

    private static void numsubGeneric(Client c, Kind kind) {
        PubSub pubSub = c.engine.pubSub();
        c.reply.array((c.argc - 2) * 2);
        for (int i = 2; i < c.argc; i++) {
            c.reply.bulk(c.argv[i]);
            c.reply.integer(pubSub.subscribers(kind, c.argv[i]));
        }
    }

    static void numpat(Client c) {
        c.reply.integer(c.engine.pubSub().patternCount());
    }

    static void help(Client c) {
        Help.reply(c, "PUBSUB",
                "CHANNELS [<pattern>]",
                "    Return the currently active channels matching a <pattern> (default: '*').",
                "NUMPAT",
                "    Return number of subscriptions to patterns.",
                "NUMSUB [<channel> ...]",
                "    Return the number of subscribers for the specified channels, excluding",
                "    pattern subscriptions(default: no channels).",
                "SHARDCHANNELS [<pattern>]",
                "    Return the currently active shard level channels matching a <pattern> (default: '*').",
                "SHARDNUMSUB [<shardchannel> ...]",
                "    Return the number of subscribers for the specified shard level channel(s)");
    }
}
