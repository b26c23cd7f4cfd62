package io.sluice.transport.netty.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.buffer.UnpooledHeapByteBuf;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakTracker;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** {@link LeakRecorder} and {@link NettyLeakExtension} notice a buffer that is dropped without being released. */
class LeakDetectionTest {

    @Test
    void aDetectorReportsABufferDroppedWithoutReleaseWithWhereItWasTouched() {
        List<String> leaks = new CopyOnWriteArrayList<>();
        LeakRecorder.RecordingDetector<ByteBuf> detector = new LeakRecorder.RecordingDetector<>(ByteBuf.class, 1, leaks::add);

        leakOne(detector);
        LeakRecorder.forceDetection(List.of(detector));

        assertThat(leaks).singleElement().asString()
                .contains("ByteBuf.release() was not called")
                .contains("touched by leakOne")
                .contains(LeakDetectionTest.class.getName());
    }

    @Test
    void aDetectorDoesNotReportAReleasedBuffer() {
        List<String> leaks = new CopyOnWriteArrayList<>();
        LeakRecorder.RecordingDetector<ByteBuf> detector = new LeakRecorder.RecordingDetector<>(ByteBuf.class, 1, leaks::add);

        releaseOne(detector);
        leakOne(detector); // a leak too, so that the detection is known to have run
        LeakRecorder.forceDetection(List.of(detector));

        assertThat(leaks).singleElement().asString().contains("touched by leakOne").doesNotContain("touched by releaseOne");
    }

    @Test
    void theInstalledDetectorReportsAnAllocatorsLeakedBuffer() {
        assertThat(ResourceLeakDetector.getLevel()).as("the build runs tests with -Dio.netty.leakDetection.level=paranoid")
                .isEqualTo(ResourceLeakDetector.Level.PARANOID);
        assertThat(LeakRecorder.tracksByteBufs()).isTrue();
        LeakRecorder.detect(); // nothing left over from before

        allocateAndDrop();
        List<String> leaks = LeakRecorder.detect(); // and so the extension will not fail this test

        assertThat(leaks).singleElement().asString().contains("ByteBuf.release() was not called").contains("allocateAndDrop");
        assertThat(NettyLeakExtension.message("someTest()", leaks))
                .startsWith("Netty reported 1 leak(s) during or right after someTest():\n- ByteBuf.release() was not called");
    }

    private static void leakOne(ResourceLeakDetector<ByteBuf> detector) {
        ByteBuf buf = new UnpooledHeapByteBuf(UnpooledByteBufAllocator.DEFAULT, 16, 16);
        ResourceLeakTracker<ByteBuf> tracker = detector.track(buf);
        tracker.record("touched by leakOne");
        buf.writeInt(42); // and dropped
    }

    private static void releaseOne(ResourceLeakDetector<ByteBuf> detector) {
        ByteBuf buf = new UnpooledHeapByteBuf(UnpooledByteBufAllocator.DEFAULT, 16, 16);
        ResourceLeakTracker<ByteBuf> tracker = detector.track(buf);
        tracker.record("touched by releaseOne");
        tracker.close(buf);
        buf.release();
    }

    private static void allocateAndDrop() {
        // pooled heap memory: tracked (unpooled heap buffers are not), and a lost 16 bytes harm nothing else
        ByteBuf buf = PooledByteBufAllocator.DEFAULT.heapBuffer(16);
        buf.writeLong(7); // and dropped
    }
}
