package io.cinnabar.server.pubsub;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.TreeSet;

/**
 * One client's client-side caching state, as the CLIENT_TRACKING* flags, client_tracking_redirection and
 * client_tracking_prefixes of Redis 7.0's client struct. Created the first time the client turns tracking on and
 * kept afterwards (tracking off clears the flags, as Redis does), so that invalidations already queued for the
 * client still reach it. Not thread-safe: executor thread only.
 */
public final class ClientTracking {
    /** CLIENT_TRACKING. */
    boolean on;
    /** CLIENT_TRACKING_BROKEN_REDIR: the redirect client was gone when an invalidation was due. */
    boolean brokenRedirect;
    boolean bcast;
    boolean optin;
    boolean optout;
    /** CLIENT_TRACKING_CACHING: CLIENT CACHING YES (OPTIN) or NO (OPTOUT) holds for the next command. */
    boolean caching;
    boolean noloop;
    /** client_tracking_redirection: 0 for none. */
    long redirect;
    /** BCAST prefixes, in rax order (unsigned bytes); null when not in BCAST mode. */
    TreeSet<byte[]> prefixes;
    /**
     * Invalidations for keys this client wrote while its own command ran (server.tracking_pending_keys), sent after
     * the command's reply; a null element stands for a flush.
     */
    ArrayList<byte[]> pending;

    static TreeSet<byte[]> newPrefixSet() {
        return new TreeSet<>(Arrays::compareUnsigned);
    }

    /** CLIENT_TRACKING: CLIENT LIST flag {@code t}. */
    public boolean on() {
        return on;
    }

    /** CLIENT LIST flag {@code R}. */
    public boolean brokenRedirect() {
        return brokenRedirect;
    }

    /** CLIENT LIST flag {@code B}. */
    public boolean bcast() {
        return bcast;
    }

    public boolean optin() {
        return optin;
    }

    public boolean optout() {
        return optout;
    }

    public boolean noloop() {
        return noloop;
    }

    /** CLIENT CACHING YES (in OPTIN mode) or NO (in OPTOUT mode) was given for the next command. */
    public boolean caching() {
        return caching;
    }

    /** CLIENT CACHING: the next command (or transaction) reads with the other default. */
    public void caching(boolean given) {
        caching = given;
    }

    /** The BCAST prefixes in byte order (empty when none). */
    public java.util.Collection<byte[]> prefixes() {
        return prefixes == null ? java.util.List.of() : prefixes;
    }

    /** CLIENT LIST redir= and CLIENT GETREDIR: the redirect client's id (0 for none), -1 when tracking is off. */
    public long redirection() {
        return on ? redirect : -1;
    }
}
