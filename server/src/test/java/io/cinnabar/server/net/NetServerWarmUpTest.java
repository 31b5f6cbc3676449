package io.cinnabar.server.net;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;

import org.junit.jupiter.api.Test;

class NetServerWarmUpTest {
    @Test
    void everyClassNamedForWarmUpExists() {
        ClassLoader loader = NetServer.class.getClassLoader();
        for (String[] names : new String[][] {NetServer.EVENT_LOOP_CLASSES, NetServer.CONNECTION_CLASSES}) {
            for (String name : names) {
                assertDoesNotThrow(() -> Class.forName(name, false, loader), name);
            }
        }
    }

    @Test
    void channelsUseThePoolOnceTheWarmUpHasBuiltIt() {
        NetServer.warmUpInBackground();
        NetServer.awaitWarmUp();
        assertTrue(StartupAllocator.INSTANCE.pooling());
        ByteBuf pooled = StartupAllocator.INSTANCE.ioBuffer(64);
        ByteBuf early = UnpooledByteBufAllocator.DEFAULT.ioBuffer(64); // as made before the switch
        pooled.writeLong(1);
        early.writeLong(2);
        assertEquals(1, pooled.readLong());
        assertEquals(2, early.readLong());
        assertTrue(pooled.release());
        assertTrue(early.release());
    }
}
