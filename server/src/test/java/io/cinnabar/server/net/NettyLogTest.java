package io.cinnabar.server.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.util.internal.logging.InternalLogger;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class NettyLogTest {
    private static String stderrOf(Runnable action) {
        PrintStream saved = System.err;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setErr(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setErr(saved);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void warningsAndErrorsReachStandardErrorWithTheirArguments() {
        InternalLogger log = new NettyLog().newInstance("io.netty.util.ResourceLeakDetector");
        String out = stderrOf(() -> {
            log.error("LEAK: {}.release() was not called; {} records", "ByteBuf", 3);
            log.warn("plain");
        });
        assertEquals("cinnabar: netty ERROR io.netty.util.ResourceLeakDetector: LEAK: ByteBuf.release() was not "
                + "called; 3 records\ncinnabar: netty WARN io.netty.util.ResourceLeakDetector: plain\n",
                out.replace("\r\n", "\n"));
    }

    @Test
    void aTrailingThrowablePrintsItsStackAndDebugLinesAreDropped() {
        InternalLogger log = new NettyLog().newInstance("x");
        String out = stderrOf(() -> {
            log.debug("not shown {}", 1);
            log.info("not shown");
            log.warn("failed {}", "op", new IllegalStateException("boom"));
        });
        assertTrue(out.startsWith("cinnabar: netty WARN x: failed op"), out);
        assertTrue(out.contains("java.lang.IllegalStateException: boom"), out);
        assertFalse(out.contains("not shown"));
        assertFalse(log.isDebugEnabled());
    }
}
