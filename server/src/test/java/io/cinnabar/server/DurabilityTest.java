package io.cinnabar.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * appendfsync always keeps every acknowledged write across a SIGKILL: two short runs of {@link DurabilityCheck}
 * (bench/durability.sh does twenty).
 */
class DurabilityTest {
    @Test
    void everyAcknowledgedWriteSurvivesSigkillUnderAppendfsyncAlways() throws Exception {
        DurabilityCheck check = new DurabilityCheck(System.getProperty("java.class.path"), 4);
        for (int i = 0; i < 2; i++) {
            DurabilityCheck.Run run = check.run();
            assertTrue(run.acknowledged() > 0, run.toString());
            assertEquals(0, run.missing(), run.toString());
        }
    }
}
